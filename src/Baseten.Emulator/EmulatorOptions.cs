namespace Baseten.Emulator
{
    /// <summary>Settings for <see cref="BasetenEmulator.Start(EmulatorOptions)"/>.</summary>
    public sealed class EmulatorOptions
    {
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
    }
}
