using System.Collections.Generic;
using System.Security.Cryptography;

namespace Baseten.Emulator.State
{
    /// <summary>
    /// Ids shaped like Baseten's (8 lowercase letters and digits, e.g. "q4dk2m7w"), never repeated within
    /// one emulator, so a test cannot pass by accident because two objects share an id.
    /// </summary>
    internal sealed class IdGenerator
    {
        private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        private const int Length = 8;

        private readonly HashSet<string> issued = new HashSet<string>();
        private readonly RandomNumberGenerator random = RandomNumberGenerator.Create();
        private readonly object sync = new object();

        public string Next()
        {
            lock (sync)
            {
                string id;
                do
                {
                    id = Draw();
                }
                while (!issued.Add(id));

                return id;
            }
        }

        private string Draw()
        {
            var bytes = new byte[Length];
            random.GetBytes(bytes);
            var chars = new char[Length];
            for (var i = 0; i < Length; i++)
            {
                // 256 % 36 leaves a slight bias; irrelevant for test ids.
                chars[i] = Alphabet[bytes[i] % Alphabet.Length];
            }

            return new string(chars);
        }
    }
}
