namespace Baseten.Emulator.State
{
    /// <summary>A business rule said no: the status and message the API answers with.</summary>
    internal sealed class Rejection
    {
        public Rejection(int statusCode, string message)
        {
            StatusCode = statusCode;
            Message = message;
        }

        public int StatusCode { get; }

        public string Message { get; }
    }
}
