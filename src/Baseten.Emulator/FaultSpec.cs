namespace Baseten.Emulator
{
    /// <summary>
    /// A scripted misbehaviour for <see cref="BasetenEmulator.InjectFault(FaultSpec)"/>. Plain settable
    /// properties, so PowerShell can write one as a hashtable:
    /// <code>
    /// $emu.InjectFault([Baseten.Emulator.FaultSpec]@{ Method = 'POST'; Path = '/v1/models/*/environments'; Kind = 'LoseResponse' })
    /// $emu.InjectFault([Baseten.Emulator.FaultSpec]@{ StatusCode = 429; RetryAfterBody = 2; RetryAfterHeader = '2'; Times = 3 })
    /// </code>
    /// The emulator copies the values when the fault is injected; changing the object later has no effect.
    /// </summary>
    public sealed class FaultSpec
    {
        /// <summary>The default of <see cref="BodyBytes"/>: 20 MiB.</summary>
        public const long DefaultBodyBytes = 20L * 1024 * 1024;

        /// <summary>The HTTP method to match, or "*" (the default; also null or empty) for any.</summary>
        public string Method { get; set; } = "*";

        /// <summary>
        /// The path to match, where "*" stands for one segment ("/v1/models/*/environments"); the whole
        /// pattern "*" (the default; also null or empty) matches every path.
        /// </summary>
        public string Path { get; set; } = "*";

        public FaultKind Kind { get; set; } = FaultKind.Status;

        /// <summary>How many matching requests the fault fires on (default 1); <see cref="int.MaxValue"/> means until <see cref="BasetenEmulator.ClearFaults"/>.</summary>
        public int Times { get; set; } = 1;

        /// <summary>
        /// 0 or 1 (the default): fire on each matching request. N &gt; 1: fire on every Nth matching request
        /// only (the 3rd, 6th, 9th... with 3); the others pass on to later faults and then to the API.
        /// </summary>
        public int EveryNth { get; set; }

        /// <summary>
        /// Wait this long before misbehaving (for <see cref="FaultKind.Delay"/>, before answering normally).
        /// For <see cref="FaultKind.Hang"/>: hang at most this long (0: until the client gives up or the emulator stops).
        /// </summary>
        public int DelayMilliseconds { get; set; }

        /// <summary>
        /// 100-599, or 0 (the default) for the kind's default: 200, or 502 for <see cref="FaultKind.Html"/>.
        /// <see cref="FaultKind.Status"/> needs one. Not allowed for kinds that send no status
        /// (<see cref="FaultKind.ResetBeforeResponse"/>, <see cref="FaultKind.LoseResponse"/>, <see cref="FaultKind.Hang"/>, <see cref="FaultKind.Delay"/>).
        /// </summary>
        public int StatusCode { get; set; }

        /// <summary>
        /// The body to send as is; null or empty picks the kind's default. Ignored by <see cref="FaultKind.EmptyBody"/>
        /// and <see cref="FaultKind.HugeBody"/>.
        /// </summary>
        public string Body { get; set; }

        /// <summary>The Content-Type to send; null or empty picks the kind's default (application/json, or text/html for <see cref="FaultKind.Html"/>).</summary>
        public string ContentType { get; set; }

        /// <summary>
        /// Seconds for the <c>retry_after</c> field of the default error body of <see cref="FaultKind.Status"/>
        /// (a 429's default body carries 1 when this is not set; other statuses carry the field only when it is set).
        /// </summary>
        public int? RetryAfterBody { get; set; }

        /// <summary>
        /// Sent verbatim as the Retry-After header, on any kind that sends headers: seconds ("2") or an
        /// HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"). Null or empty: no header.
        /// </summary>
        public string RetryAfterHeader { get; set; }

        /// <summary>The size of the <see cref="FaultKind.HugeBody"/> body in bytes (default 20 MiB, at least 16).</summary>
        public long BodyBytes { get; set; } = DefaultBodyBytes;

        public override string ToString() =>
            Kind + " " + (string.IsNullOrWhiteSpace(Method) ? "*" : Method) + " " + (string.IsNullOrWhiteSpace(Path) ? "*" : Path) +
            (StatusCode != 0 ? " " + StatusCode : string.Empty) + " x" + Times + (EveryNth > 1 ? " every " + EveryNth : string.Empty);
    }
}
