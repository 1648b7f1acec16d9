using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;

namespace Baseten.Emulator.Server
{
    /// <summary>
    /// Baseten's per-key request limit: a fixed one-second window per key. A request over the limit is
    /// refused with the seconds until the window frees (always at least 1). Each key has its own small
    /// lock, held only to count; nothing waits on it while a request is read or answered.
    /// </summary>
    internal sealed class RateLimiter
    {
        private readonly ConcurrentDictionary<string, Window> windows = new ConcurrentDictionary<string, Window>(StringComparer.Ordinal);
        private int perSecond;
        private long throttled;

        public RateLimiter(int perSecond)
        {
            PerSecond = perSecond;
        }

        /// <summary>Requests allowed per key per second; 0 turns the limit off.</summary>
        public int PerSecond
        {
            get => Volatile.Read(ref perSecond);
            set => Volatile.Write(ref perSecond, value);
        }

        /// <summary>How many requests were refused so far.</summary>
        public long ThrottledCount => Interlocked.Read(ref throttled);

        /// <summary>Counts one request for <paramref name="key"/>: 0 when it may go on, otherwise the seconds to wait (at least 1).</summary>
        public int Check(string key)
        {
            var limit = PerSecond;
            if (limit <= 0)
            {
                return 0;
            }

            var window = windows.GetOrAdd(key, _ => new Window());
            var now = Stopwatch.GetTimestamp();
            long waitTicks;
            lock (window)
            {
                if (window.Count == 0 || now - window.Start >= Stopwatch.Frequency)
                {
                    window.Start = now;
                    window.Count = 0;
                }

                if (window.Count < limit)
                {
                    window.Count++;
                    return 0;
                }

                waitTicks = window.Start + Stopwatch.Frequency - now;
            }

            Interlocked.Increment(ref throttled);
            return Math.Max(1, (int)Math.Ceiling(waitTicks / (double)Stopwatch.Frequency));
        }

        private sealed class Window
        {
            public long Start;
            public int Count;
        }
    }
}
