using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;
using Xunit;

namespace Baseten.PowerShell.Tests
{
    public class PowerShellValuesTests
    {
        [Fact]
        public void WrappedIntStringAndHashtableAreUnwrapped()
        {
            var table = new Hashtable { ["a"] = 1 };

            Assert.Equal(2, PowerShellValues.Unwrap(PS.Wrap(2)));
            Assert.IsType<int>(PowerShellValues.Unwrap(PS.Wrap(2)));
            Assert.Equal("text", PowerShellValues.Unwrap(PS.Wrap("text")));
            Assert.Same(table, PowerShellValues.Unwrap(PS.Wrap(table)));
        }

        [Fact]
        public void PlainValuesPassThrough()
        {
            var table = new Hashtable();

            Assert.Equal(5L, PowerShellValues.Unwrap(5L));
            Assert.Same(table, PowerShellValues.Unwrap(table));
            Assert.Null(PowerShellValues.Unwrap(null));
        }

        [Fact]
        public void NestedWrappingIsUnwrapped()
        {
            var doubly = PS.Wrap(PS.Wrap(7));
            Assert.IsType<PSObject>(doubly.ImmediateBaseObject);

            Assert.Equal(7, PowerShellValues.Unwrap(doubly));
            Assert.IsType<int>(PowerShellValues.Unwrap(doubly));
            Assert.IsType<int>(PowerShellValues.Unwrap(PS.Wrap(PS.Wrap(PS.Wrap(7)))));
        }

        [Fact]
        public void EmptyPSObjectIsAnEmptyDictionary()
        {
            // What C#'s new PSObject(2) really builds (the capacity constructor): a PSCustomObject with no properties.
            Assert.Empty(Assert.IsType<OrderedDictionary>(PowerShellValues.Unwrap(new PSObject(2))));
        }

        [Fact]
        public void PSCustomObjectBecomesAnOrderedDictionaryOfItsProperties()
        {
            var custom = new PSObject();
            custom.Properties.Add(new PSNoteProperty("max_replica", 3));
            custom.Properties.Add(new PSNoteProperty("MinReplica", PS.Wrap(1)));

            var result = PowerShellValues.Unwrap(custom);

            var dictionary = Assert.IsType<OrderedDictionary>(result);
            Assert.Equal(2, dictionary.Count);
            Assert.Equal(3, dictionary["max_replica"]);
            Assert.Equal(new[] { "max_replica", "MinReplica" }, new[] { (string)new ArrayList(dictionary.Keys)[0], (string)new ArrayList(dictionary.Keys)[1] });
        }

        [Fact]
        public void WrappedPSCustomObjectBecomesADictionary()
        {
            var custom = new PSObject();
            custom.Properties.Add(new PSNoteProperty("name", "staging"));

            var result = PowerShellValues.Unwrap(PS.Wrap(custom));

            Assert.Equal("staging", Assert.IsType<OrderedDictionary>(result)["name"]);
        }

        [Fact]
        public void SwitchParameterBecomesBool()
        {
            Assert.Equal(true, PowerShellValues.Unwrap(new SwitchParameter(true)));
            Assert.Equal(false, PowerShellValues.Unwrap(new SwitchParameter(false)));
            Assert.Equal(true, PowerShellValues.Unwrap(PS.Wrap(new SwitchParameter(true))));
            Assert.IsType<bool>(PowerShellValues.Unwrap(new SwitchParameter(true)));
        }
    }
}
