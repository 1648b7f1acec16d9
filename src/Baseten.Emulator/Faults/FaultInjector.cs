using System.Collections.Generic;

namespace Baseten.Emulator.Faults
{
    /// <summary>
    /// The queue of scripted faults. The first fault (in the order injected) that matches a request and is
    /// due (see <see cref="Fault.EveryNth"/>) fires; each fires its set number of times and is then removed.
    /// The lock is held only to pick a fault, never while answering.
    /// </summary>
    internal sealed class FaultInjector
    {
        private readonly List<Fault> faults = new List<Fault>();
        private readonly object sync = new object();

        public void Add(Fault fault)
        {
            lock (sync)
            {
                faults.Add(fault);
            }
        }

        public void Clear()
        {
            lock (sync)
            {
                faults.Clear();
            }
        }

        /// <summary>Claims one firing of the first matching, due fault, or returns null.</summary>
        public Fault Take(string method, IReadOnlyList<string> segments)
        {
            lock (sync)
            {
                for (var i = 0; i < faults.Count; i++)
                {
                    var fault = faults[i];
                    if (!fault.IsMatch(method, segments))
                    {
                        continue;
                    }

                    if (fault.EveryNth > 1)
                    {
                        fault.Seen++;
                        if (fault.Seen % fault.EveryNth != 0)
                        {
                            // Not its turn: the request goes on to later faults, then to the API.
                            continue;
                        }
                    }

                    fault.Remaining--;
                    if (fault.Remaining <= 0)
                    {
                        faults.RemoveAt(i);
                    }

                    return fault;
                }

                return null;
            }
        }
    }
}
