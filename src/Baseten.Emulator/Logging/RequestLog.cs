using System.Collections.Generic;

namespace Baseten.Emulator.Logging
{
    /// <summary>
    /// The answered requests, oldest first. Capped so an emulator left running under a long script
    /// does not grow without bound; tests look at far fewer than the cap.
    /// </summary>
    internal sealed class RequestLog
    {
        public const int Capacity = 10000;

        private readonly List<RecordedRequest> entries = new List<RecordedRequest>();
        private readonly object sync = new object();

        public void Add(RecordedRequest entry)
        {
            lock (sync)
            {
                if (entries.Count >= Capacity)
                {
                    entries.RemoveAt(0);
                }

                entries.Add(entry);
            }
        }

        public IReadOnlyList<RecordedRequest> Snapshot()
        {
            lock (sync)
            {
                return entries.ToArray();
            }
        }

        public void Clear()
        {
            lock (sync)
            {
                entries.Clear();
            }
        }
    }
}
