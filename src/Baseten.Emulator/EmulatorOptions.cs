namespace Baseten.Emulator
{
    /// <summary>Settings for <see cref="BasetenEmulator.Start(EmulatorOptions)"/>.</summary>
    public sealed class EmulatorOptions
    {
        /// <summary>The environment variable that sets <see cref="RequestLogDirectory"/> when the option is not set.</summary>
        public const string RequestLogDirectoryVariable = "BASETEN_EMULATOR_REQUEST_LOG";

        /// <summary>The key used when none is given: fixed, so test scripts can hard-code it.</summary>
        public const string DefaultApiKey = "emulator-test-key";

        /// <summary>The full-access key the emulator accepts (as <c>Api-Key</c> or <c>Bearer</c>).</summary>
        public string ApiKey { get; set; } = DefaultApiKey;

        /// <summary>
        /// A key that may read (GET) but is refused with 403 on any change (POST, PATCH, DELETE).
        /// Null (or empty) means the emulator knows no such key.
        /// </summary>
        public string ReadOnlyApiKey { get; set; }

        /// <summary>The port to listen on; 0 picks a free one.</summary>
        public int Port { get; set; }

        /// <summary>
        /// A folder to persist the request log in: each answered request is appended as one JSON line
        /// (never the key) to <c>requests-&lt;port&gt;-&lt;pid&gt;.jsonl</c>, so a later process can read
        /// every request a test run made. Null (or empty) means the environment variable
        /// <c>BASETEN_EMULATOR_REQUEST_LOG</c>, and when that is not set either, no file is written.
        /// </summary>
        public string RequestLogDirectory { get; set; }

        /// <summary>
        /// Baseten's per-key request limit: at most this many /v1/ requests per key per second (a fixed
        /// one-second window); over it the answer is 429 <c>{"error": "Rate limit exceeded. Please try again later.", "retry_after": N}</c>
        /// with a <c>Retry-After: N</c> header. 0 (the default) means no limit. Change it later with
        /// <see cref="BasetenEmulator.SetRateLimit"/>.
        /// </summary>
        public int RateLimitPerSecond { get; set; }
    }
}
