namespace Baseten.Emulator
{
    /// <summary>How an injected fault misbehaves (see <see cref="FaultSpec"/>).</summary>
    public enum FaultKind
    {
        /// <summary>
        /// Answers <see cref="FaultSpec.StatusCode"/> with <see cref="FaultSpec.Body"/> (or a default body:
        /// for 429 Baseten's rate-limit body with <c>retry_after</c>). The request is not processed.
        /// </summary>
        Status = 0,

        /// <summary>Waits <see cref="FaultSpec.DelayMilliseconds"/>, then processes and answers the request normally.</summary>
        Delay,

        /// <summary>A gateway's HTML error page (default 502, text/html). Not processed.</summary>
        Html,

        /// <summary>The status (default 200) with a truncated JSON body, content-type application/json. Not processed.</summary>
        MalformedJson,

        /// <summary>The status (default 200) with no body at all (Content-Length: 0). Not processed.</summary>
        EmptyBody,

        /// <summary>200 with valid JSON of the wrong shape (default <c>{"unexpected": true}</c>). Not processed.</summary>
        WrongShape,

        /// <summary>200 with a JSON body of <see cref="FaultSpec.BodyBytes"/> bytes, streamed in chunks. Not processed.</summary>
        HugeBody,

        /// <summary>Sends the status line, headers and half the body, then resets the connection. Not processed.</summary>
        ResetMidResponse,

        /// <summary>Resets the connection without any answer. The request is not processed.</summary>
        ResetBeforeResponse,

        /// <summary>
        /// Processes the request normally (a create really happens), logs its real status, then resets the
        /// connection instead of answering: a call that succeeded but whose response was lost.
        /// </summary>
        LoseResponse,

        /// <summary>
        /// Never answers: holds the connection until the client gives up, the emulator stops, or
        /// <see cref="FaultSpec.DelayMilliseconds"/> (when set) passes, then resets it. Not processed.
        /// </summary>
        Hang,
    }
}
