using System.Collections.Generic;

namespace Baseten.Emulator.Logging
{
    /// <summary>
    /// The answered requests, oldest first. Capped so an emulator left running under a long script
    /// does not grow without bound; tests look at far fewer than the cap. With a <see cref="RequestLogFile"/>
    /// every entry is also appended to it (uncapped, and untouched by <see cref="Clear"/>).
    /// </summary>
    internal sealed class RequestLog
    {
        public const int Capacity = 10000;

        private readonly List<RecordedRequest> entries = new List<RecordedRequest>();
        private readonly object sync = new object();

        /// <summary>Set once, before the first request: the emulator knows its port only after binding.</summary>
        public RequestLogFile File { get; set; }

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

            File?.Append(entry);
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
