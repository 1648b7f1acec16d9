using Xunit;

namespace Baseten.Core.Tests.Support
{
    /// <summary>
    /// Tests whose outcome depends on waits of a few hundred milliseconds (retry limits) run alone, not beside the
    /// CPU-heavy fuzz tests, so a loaded machine cannot push them over a limit.
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class TimingSensitiveTests
    {
        public const string Name = "Timing-sensitive";
    }
}
