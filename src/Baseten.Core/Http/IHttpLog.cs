namespace Baseten.Core.Http
{
    /// <summary>
    /// Receives diagnostics about requests. Called from any thread: the PowerShell layer queues the lines and
    /// writes them to the Verbose and Debug streams on the pipeline thread. Never receives the API key.
    /// </summary>
    public interface IHttpLog
    {
        /// <summary>When false, request and response bodies are not even formatted.</summary>
        bool IsDebugEnabled { get; }

        /// <summary>One line per request: method, path, status, time.</summary>
        void Verbose(string message);

        /// <summary>Headers and bodies, already redacted.</summary>
        void Debug(string message);
    }

    /// <summary>A log that drops everything.</summary>
    public sealed class NullHttpLog : IHttpLog
    {
        public static readonly NullHttpLog Instance = new NullHttpLog();

        public bool IsDebugEnabled => false;

        public void Verbose(string message) { }

        public void Debug(string message) { }
    }
}
