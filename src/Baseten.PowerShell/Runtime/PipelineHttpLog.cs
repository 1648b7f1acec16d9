using System.Collections.Concurrent;
using Baseten.Core.Http;

namespace Baseten.PowerShell
{
    /// <summary>
    /// Collects the HTTP core's diagnostics from whatever thread they come on; the cmdlet writes them to the
    /// Verbose and Debug streams on the pipeline thread (PowerShell allows no other).
    /// </summary>
    internal sealed class PipelineHttpLog : IHttpLog
    {
        private readonly ConcurrentQueue<(bool IsDebug, string Text)> _lines = new ConcurrentQueue<(bool, string)>();

        public PipelineHttpLog(bool isDebugEnabled)
        {
            IsDebugEnabled = isDebugEnabled;
        }

        public bool IsDebugEnabled { get; }

        public void Verbose(string message) => _lines.Enqueue((false, message));

        public void Debug(string message)
        {
            if (IsDebugEnabled) _lines.Enqueue((true, message));
        }

        /// <summary>Takes the next queued line; call on the pipeline thread.</summary>
        public bool TryTake(out bool isDebug, out string text)
        {
            var taken = _lines.TryDequeue(out var line);
            isDebug = line.IsDebug;
            text = line.Text;
            return taken;
        }
    }
}
