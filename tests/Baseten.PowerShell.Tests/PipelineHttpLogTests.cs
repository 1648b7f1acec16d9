using Xunit;

namespace Baseten.PowerShell.Tests
{
    public class PipelineHttpLogTests
    {
        [Fact]
        public void LinesComeOutInOrderAndDebugOnlyWhenEnabled()
        {
            var log = new PipelineHttpLog(isDebugEnabled: false);
            log.Verbose("one");
            log.Debug("hidden");
            log.Verbose("two");

            Assert.True(log.TryTake(out var d1, out var t1));
            Assert.True(log.TryTake(out var d2, out var t2));
            Assert.False(log.TryTake(out _, out _));
            Assert.Equal(("one", false), (t1, d1));
            Assert.Equal(("two", false), (t2, d2));
        }

        [Fact]
        public void DebugLinesAreKeptWhenEnabled()
        {
            var log = new PipelineHttpLog(isDebugEnabled: true);
            log.Debug("body");

            Assert.True(log.IsDebugEnabled);
            Assert.True(log.TryTake(out var isDebug, out var text));
            Assert.True(isDebug);
            Assert.Equal("body", text);
        }
    }
}
