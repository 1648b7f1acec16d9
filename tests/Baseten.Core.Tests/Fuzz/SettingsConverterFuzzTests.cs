using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Baseten.Core.Json;
using Baseten.Core.Models;
using Baseten.Core.Settings;
using Xunit;
using Xunit.Abstractions;

namespace Baseten.Core.Tests.Fuzz
{
    /// <summary>
    /// Random settings hashtables through <see cref="SettingsConverter"/>: each either converts to a request object
    /// whose JSON (with <see cref="BasetenJson.Options"/>) has only wire names and values of the right JSON kind,
    /// or is refused with a <see cref="SettingsConversionException"/> naming where. Nothing else, ever.
    /// Deterministic: 20 seeds x 500 cases; a failure names its seed and case.
    /// </summary>
    public class SettingsConverterFuzzTests
    {
        private const int CasesPerSeed = 500;
        private const string Root = "settings";

        private static readonly Type[] RequestTypes =
        {
            typeof(UpdateAutoscalingSettingsV1),
            typeof(UpdatePromotionSettingsV1),
            typeof(UpdateRequestBackpressureSettingsV1),
            typeof(UpdateRollingDeployConfigV1),
            typeof(CreateEnvironmentRequestV1),
        };

        private readonly ITestOutputHelper _output;

        public SettingsConverterFuzzTests(ITestOutputHelper output)
        {
            _output = output;
        }

        public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 20).Select(seed => new object[] { seed });

        [Theory]
        [MemberData(nameof(Seeds))]
        public void RandomSettingsConvertToKnownKeysOrAreRefusedClearly(int seed)
        {
            var random = new RandomSettings(seed) { Wrap = seed % 2 == 0 };
            Func<object, object> unwrap = random.Wrap ? Wrapped.Unwrap : null;
            var outcomes = new Dictionary<string, int>();

            for (var i = 0; i < CasesPerSeed; i++)
            {
                var type = RequestTypes[random.Random.Next(RequestTypes.Length)];
                var input = random.Input(type);
                var outcome = ConvertOne(type, input, unwrap, $"seed {seed}, case {i}");
                outcomes[outcome] = outcomes.TryGetValue(outcome, out var n) ? n + 1 : 1;
            }

            _output.WriteLine($"seed {seed}: " + string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}")));
            // The generator must reach both ends, or the test proves little.
            Assert.True(outcomes.GetValueOrDefault("converted") >= 25, $"only {outcomes.GetValueOrDefault("converted")} converted");
            Assert.True(outcomes.GetValueOrDefault("refused") >= 100, $"only {outcomes.GetValueOrDefault("refused")} refused");
        }

        [Theory]
        [MemberData(nameof(Seeds))]
        public void RandomRollingDeployConfigsThroughPromotionSettings(int seed)
        {
            // promotion_settings.rolling_deploy_config, the deepest place a hashtable can go.
            var random = new RandomSettings(1000 + seed) { Wrap = seed % 3 == 0 };
            Func<object, object> unwrap = random.Wrap ? Wrapped.Unwrap : null;
            var converted = 0;

            for (var i = 0; i < CasesPerSeed; i++)
            {
                var rolling = random.Input(typeof(UpdateRollingDeployConfigV1));
                IDictionary promotion = random.Random.Next(2) == 0 ? new Hashtable() : new Dictionary<string, object>();
                promotion[random.Random.Next(4) == 0 ? "RollingDeployConfig" : "rolling_deploy_config"] = rolling;
                if (random.Random.Next(2) == 0) promotion["rolling_deploy"] = true;
                object input = promotion;
                var type = typeof(UpdatePromotionSettingsV1);
                if (random.Random.Next(2) == 0)
                {
                    input = new Hashtable { ["name"] = "staging", ["promotion_settings"] = promotion };
                    type = typeof(CreateEnvironmentRequestV1);
                }

                if (ConvertOne(type, input, unwrap, $"seed {seed}, case {i}") == "converted") converted++;
            }

            Assert.True(converted >= 25, $"only {converted} converted");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(10)]
        [InlineData(50)]
        [InlineData(500)]
        public void DeepNestingIsRefusedNotOverflowed(int levels)
        {
            var random = new RandomSettings(levels);
            foreach (var type in RequestTypes)
            {
                for (var i = 0; i < 20; i++)
                {
                    ConvertOne(type, random.Deep(levels), null, $"{levels} levels, {type.Name}, {i}");
                }
            }
        }

        [Fact]
        public void NestingUnderEveryObjectKeyIsRefusedAtTheRightPath()
        {
            IDictionary inner = new Hashtable { ["max_surge_percent"] = 10 };
            for (var i = 0; i < 50; i++) inner = new Hashtable { ["max_surge_percent"] = inner };
            var input = new Hashtable
            {
                ["name"] = "staging",
                ["promotion_settings"] = new Hashtable { ["rolling_deploy_config"] = inner },
            };

            var error = Assert.Throws<SettingsConversionException>(() => SettingsConverter.Convert(typeof(CreateEnvironmentRequestV1), input, null, Root));

            Assert.Equal(Root + ".promotion_settings.rolling_deploy_config.max_surge_percent", error.KeyPath);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        [InlineData(4)]
        public void ACycleIsRefusedWithoutOverflowingTheStack(int seed)
        {
            // Each request type nests a different type, at most three deep, so a dictionary holding itself runs into
            // an unknown key before the schema runs out: no recursion guard is needed, and none is hit.
            var random = new RandomSettings(seed);
            foreach (var type in RequestTypes)
            {
                var cycle = random.Cycle();
                Assert.Throws<SettingsConversionException>(() => SettingsConverter.Convert(type, cycle, null, Root));
            }
        }

        [Fact]
        public void ASelfReferenceUnderTheOnlyKeyIsRefused()
        {
            foreach (var type in RequestTypes)
            {
                foreach (var field in RequestSchema.For(type).Fields.Where(f => f.Kind == FieldKind.Object))
                {
                    var self = new Hashtable();
                    self[field.JsonName] = self;
                    var error = Assert.Throws<SettingsConversionException>(() => SettingsConverter.Convert(type, self, null, Root));
                    Assert.StartsWith(Root + "." + field.JsonName, error.KeyPath);
                }
            }
        }

        [Theory]
        [InlineData(int.MaxValue, true)]
        [InlineData(int.MinValue, true)]
        [InlineData(int.MaxValue + 1L, false)]
        [InlineData(int.MinValue - 1L, false)]
        [InlineData(long.MaxValue, false)]
        [InlineData(ulong.MaxValue, false)]
        [InlineData(2.0, true)]
        [InlineData(2.5, false)]
        [InlineData(1e300, false)]
        [InlineData(-1e300, false)]
        [InlineData(double.NaN, false)]
        [InlineData(double.PositiveInfinity, false)]
        [InlineData(double.Epsilon, false)]
        [InlineData(2147483647.0, true)]
        [InlineData(2147483648.0, false)]
        [InlineData(3.0f, true)]
        [InlineData(float.NaN, false)]
        public void IntegerBoundaries(object value, bool accepted)
        {
            var input = new Hashtable { ["scale_down_delay"] = value };

            if (accepted)
            {
                var converted = SettingsConverter.Convert<UpdateAutoscalingSettingsV1>(input, null, Root);
                Assert.Equal(Convert.ToInt32(value), converted.ScaleDownDelay);
            }
            else
            {
                var error = Assert.Throws<SettingsConversionException>(() => SettingsConverter.Convert<UpdateAutoscalingSettingsV1>(input, null, Root));
                Assert.Equal(Root + ".scale_down_delay", error.KeyPath);
            }
        }

        [Fact]
        public void DecimalBoundaries()
        {
            Assert.Equal(7, SettingsConverter.Convert<UpdateAutoscalingSettingsV1>(new Hashtable { ["max_replica"] = 7.0m }, null, Root).MaxReplica);
            Assert.Throws<SettingsConversionException>(() => SettingsConverter.Convert<UpdateAutoscalingSettingsV1>(new Hashtable { ["max_replica"] = 7.5m }, null, Root));
            Assert.Throws<SettingsConversionException>(() => SettingsConverter.Convert<UpdateAutoscalingSettingsV1>(new Hashtable { ["max_replica"] = decimal.MaxValue }, null, Root));
            Assert.Throws<SettingsConversionException>(() => SettingsConverter.Convert<UpdateAutoscalingSettingsV1>(new Hashtable { ["max_replica"] = decimal.MinValue }, null, Root));
        }

        /// <summary>Converts one input; fails the test on anything but a result with known keys or a clear refusal.</summary>
        private static string ConvertOne(Type type, object input, Func<object, object> unwrap, string where)
        {
            object result;
            try
            {
                result = SettingsConverter.Convert(type, input, unwrap, Root);
            }
            catch (SettingsConversionException refused)
            {
                Assert.False(string.IsNullOrWhiteSpace(refused.Message), $"{where}: empty message");
                Assert.False(string.IsNullOrEmpty(refused.KeyPath), $"{where}: no key path in '{refused.Message}'");
                Assert.True(refused.KeyPath == Root || refused.KeyPath.StartsWith(Root + ".", StringComparison.Ordinal),
                    $"{where}: key path '{refused.KeyPath}' does not start at the root");
                return "refused";
            }
            catch (Exception other)
            {
                Assert.Fail($"{where}: {type.Name} <- {RandomSettings.Describe(input)}\nthrew {other.GetType().FullName}: {other}");
                throw;
            }

            var unwrapped = unwrap == null ? input : unwrap(input);
            if (result == null)
            {
                Assert.True(unwrapped == null, $"{where}: null result for {RandomSettings.Describe(input)}");
                return "null";
            }
            Assert.IsType(type, result);
            if (type.IsInstanceOfType(unwrapped))
            {
                Assert.Same(unwrapped, result);
                return "passed through";
            }

            string json;
            try
            {
                json = JsonSerializer.Serialize(result, type, BasetenJson.Options);
            }
            catch (Exception error)
            {
                Assert.Fail($"{where}: the converted {type.Name} does not serialize: {error}\ninput: {RandomSettings.Describe(input)}");
                throw;
            }

            using (var document = JsonDocument.Parse(json))
            {
                var problem = CheckObject(type, (PartialObject)result, document.RootElement, Root);
                Assert.True(problem == null, $"{where}: {problem}\njson: {json}\ninput: {RandomSettings.Describe(input)}");
            }
            return "converted";
        }

        /// <summary>Every key a wire name of <paramref name="type"/>, every value of its field's JSON kind, exactly the given fields.</summary>
        private static string CheckObject(Type type, PartialObject value, JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Object) return $"{path}: {element.ValueKind}, not an object";
            var schema = RequestSchema.For(type);
            var names = new List<string>();
            foreach (var property in element.EnumerateObject())
            {
                names.Add(property.Name);
                var field = schema.FindByJsonName(property.Name);
                if (field == null) return $"{path}: unknown key '{property.Name}'";
                var at = path + "." + property.Name;
                var kind = property.Value.ValueKind;
                if (kind == JsonValueKind.Null) continue;
                switch (field.Kind)
                {
                    case FieldKind.Integer:
                        if (kind != JsonValueKind.Number || !property.Value.TryGetInt64(out var number)) return $"{at}: {property.Value.GetRawText()} is not an integer";
                        if (number < field.Minimum || number > field.Maximum) return $"{at}: {number} is outside {field.Minimum}..{field.Maximum}";
                        break;
                    case FieldKind.Boolean:
                        if (kind != JsonValueKind.True && kind != JsonValueKind.False) return $"{at}: {kind}, not a boolean";
                        break;
                    case FieldKind.String:
                        if (kind != JsonValueKind.String) return $"{at}: {kind}, not a string";
                        break;
                    case FieldKind.Enum:
                        if (kind != JsonValueKind.String) return $"{at}: {kind}, not a string";
                        break;
                    case FieldKind.Object:
                        var nested = (PartialObject)field.Property.GetValue(value);
                        var inner = CheckObject(field.Property.PropertyType, nested, property.Value, at);
                        if (inner != null) return inner;
                        break;
                }
            }
            if (names.Distinct(StringComparer.Ordinal).Count() != names.Count) return $"{path}: a key twice";
            var given = value.GetGivenProperties().Count;
            if (given != names.Count) return $"{path}: {given} properties given but {names.Count} written";
            return null;
        }
    }
}
