namespace Baseten.Emulator.Server
{
    /// <summary>What a caller's key lets it do.</summary>
    internal enum AccessLevel
    {
        None,
        ReadOnly,
        Full,
    }
}
