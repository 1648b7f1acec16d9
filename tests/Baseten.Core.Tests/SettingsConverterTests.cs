using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Text.Json;
using Baseten.Core.Json;
using Baseten.Core.Models;
using Baseten.Core.Settings;
using Baseten.Core.Tests.Support;
using Xunit;

namespace Baseten.Core.Tests
{
    /// <summary>Hashtable → typed request: key forms, type checks, ranges, enums, nesting and the messages.</summary>
    public class SettingsConverterTests
    {
        private static UpdateAutoscalingSettingsV1 Autoscaling(IDictionary input, Func<object, object> unwrap = null) =>
            SettingsConverter.Convert<UpdateAutoscalingSettingsV1>(input, unwrap, "autoscaling_settings");

        private static UpdatePromotionSettingsV1 Promotion(object input, Func<object, object> unwrap = null) =>
            SettingsConverter.Convert<UpdatePromotionSettingsV1>(input, unwrap, "promotion_settings");

        private static string Serialize(object value) => JsonSerializer.Serialize(value, value.GetType(), BasetenJson.Options);

        private static SettingsConversionException Refused(Action convert) => Assert.Throws<SettingsConversionException>(convert);

        [Theory]
        [InlineData("max_replica")]
        [InlineData("MaxReplica")]
        [InlineData("MAX_REPLICA")]
        [InlineData("maxreplica")]
        [InlineData("Max_Replica")]
        [InlineData("maxReplica")]
        [InlineData("MAXREPLICA")]
        public void EveryKeyFormNamesTheSameField(string key)
        {
            var settings = Autoscaling(new Hashtable { [key] = 4 });

            Assert.Equal(4, settings.MaxReplica);
            Assert.Equal(new[] { "MaxReplica" }, settings.GetGivenProperties());
            JsonAssert.DeepEqual("""{"max_replica": 4}""", Serialize(settings));
        }

        [Fact]
        public void OnlyTheGivenKeysAreSet()
        {
            var settings = Autoscaling(new Hashtable { ["min_replica"] = 0, ["ScaleDownDelay"] = 120 });

            JsonAssert.DeepEqual("""{"min_replica": 0, "scale_down_delay": 120}""", Serialize(settings));
        }

        [Fact]
        public void UnknownKeyIsRefusedWithTheKeyTheAcceptedKeysAndASuggestion()
        {
            var error = Refused(() => Autoscaling(new Hashtable { ["max_replicas"] = 3 }));

            Assert.Contains("'max_replicas'", error.Message);
            Assert.Contains("Did you mean 'max_replica'?", error.Message);
            Assert.Contains("Accepted keys:", error.Message);
            foreach (var key in new[] { "min_replica", "max_replica", "autoscaling_window", "scale_down_delay", "concurrency_target", "target_utilization_percentage", "target_in_flight_tokens", "max_scale_down_rate" })
                Assert.Contains(key, error.Message);
            Assert.Equal("autoscaling_settings.max_replicas", error.KeyPath);
        }

        [Fact]
        public void UnknownKeyFarFromEveryFieldHasNoSuggestion()
        {
            var error = Refused(() => Autoscaling(new Hashtable { ["colour"] = "blue" }));

            Assert.Contains("'colour'", error.Message);
            Assert.DoesNotContain("Did you mean", error.Message);
            Assert.Contains("max_replica", error.Message);
        }

        [Fact]
        public void TheSameKeyInTwoFormsIsRefused()
        {
            // A C# Hashtable is case-sensitive, so both entries exist (as @{max_replica=..; MaxReplica=..} would in PowerShell).
            var input = new OrderedDictionary { ["max_replica"] = 2, ["MaxReplica"] = 3 };

            var error = Refused(() => Autoscaling(input));

            Assert.Contains("twice", error.Message);
            Assert.Contains("'max_replica'", error.Message);
            Assert.Contains("'MaxReplica'", error.Message);
            Assert.Equal("autoscaling_settings.max_replica", error.KeyPath);
        }

        [Fact]
        public void TheSameKeyInTwoLetterCasesIsRefused()
        {
            var input = new Dictionary<string, object> { ["MAX_REPLICA"] = 2, ["max_replica"] = 2 };

            Assert.Contains("twice", Refused(() => Autoscaling(input)).Message);
        }

        public static IEnumerable<object[]> WrongIntegerValues() => new[]
        {
            new object[] { "2", "the string '2'" },
            new object[] { 2.5, "2.5" },
            new object[] { true, "True" },
            new object[] { 2.5m, "2.5" },
            new object[] { 2.5f, "2.5" },
            new object[] { double.NaN, "NaN" },
            new object[] { new[] { 1, 2 }, "Int32[]" },
        };

        [Theory]
        [MemberData(nameof(WrongIntegerValues))]
        public void WrongTypeForAnIntegerIsRefusedNamingTheKeyAndWhatIsAccepted(object value, string shown)
        {
            var error = Refused(() => Autoscaling(new Hashtable { ["max_replica"] = value }));

            Assert.Equal("autoscaling_settings.max_replica", error.KeyPath);
            Assert.Contains("'autoscaling_settings.max_replica'", error.Message);
            Assert.Contains("an integer", error.Message);
            Assert.Contains(shown, error.Message);
        }

        [Theory]
        [InlineData(1)]
        [InlineData("true")]
        [InlineData("yes")]
        public void WrongTypeForABooleanIsRefused(object value)
        {
            var error = Refused(() => Promotion(new Hashtable { ["rolling_deploy"] = value }));

            Assert.Equal("promotion_settings.rolling_deploy", error.KeyPath);
            Assert.Contains("'promotion_settings.rolling_deploy'", error.Message);
            Assert.Contains("$true, $false or $null", error.Message);
        }

        [Fact]
        public void BadEnumValueIsRefusedListingTheAcceptedValues()
        {
            var error = Refused(() => Promotion(new Hashtable { ["promotion_cleanup_strategy"] = "DELETE" }));

            Assert.Equal("promotion_settings.promotion_cleanup_strategy", error.KeyPath);
            Assert.Contains("'DELETE'", error.Message);
            Assert.Contains("KEEP, SCALE_TO_ZERO, DEACTIVATE", error.Message);
        }

        [Fact]
        public void EnumOfAnotherTypeIsRefused()
        {
            var error = Refused(() => Promotion(new Hashtable { ["promotion_cleanup_strategy"] = 1 }));

            Assert.Contains("KEEP", error.Message);
        }

        [Fact]
        public void WrongTypeForAStringIsRefused()
        {
            var error = Refused(() => SettingsConverter.Convert<CreateEnvironmentRequestV1>(new Hashtable { ["name"] = 5 }, null, "request"));

            Assert.Equal("request.name", error.KeyPath);
            Assert.Contains("a string", error.Message);
        }

        public static IEnumerable<object[]> WholeNumbers() => new[]
        {
            new object[] { 2.0 },
            new object[] { 2L },
            new object[] { (short)2 },
            new object[] { (byte)2 },
            new object[] { 2u },
            new object[] { 2UL },
            new object[] { 2.0f },
            new object[] { 2.00m },
        };

        [Theory]
        [MemberData(nameof(WholeNumbers))]
        public void WholeNumbersOfAnyNumericTypeAreAccepted(object value)
        {
            var settings = Autoscaling(new Hashtable { ["max_replica"] = value });

            Assert.Equal(2, settings.MaxReplica);
            // Written as an integer, never 2.0.
            JsonAssert.DeepEqual("""{"max_replica": 2}""", Serialize(settings));
        }

        [Fact]
        public void ExponentNotationThatIsWholeIsAccepted()
        {
            Assert.Equal(1000, Autoscaling(new Hashtable { ["scale_down_delay"] = 1e3 }).ScaleDownDelay);
        }

        [Theory]
        [InlineData(3_000_000_000L)]
        [InlineData(-3_000_000_000L)]
        public void OutOfRangeForAnIntIsRefused(long value)
        {
            var error = Refused(() => Autoscaling(new Hashtable { ["max_replica"] = value }));

            Assert.Equal("autoscaling_settings.max_replica", error.KeyPath);
            Assert.Contains("out of range", error.Message);
            Assert.Contains(value.ToString(), error.Message);
        }

        [Fact]
        public void HugeDoubleIsRefused()
        {
            Refused(() => Autoscaling(new Hashtable { ["max_replica"] = 1e30 }));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(51)]
        [InlineData(-1)]
        public void MaxScaleDownRateOutsideOneToFiftyIsRefused(int value)
        {
            var error = Refused(() => Autoscaling(new Hashtable { ["max_scale_down_rate"] = value }));

            Assert.Equal("autoscaling_settings.max_scale_down_rate", error.KeyPath);
            Assert.Contains("from 1 to 50", error.Message);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(50)]
        public void MaxScaleDownRateAtTheBoundsIsAccepted(int value)
        {
            Assert.Equal(value, Autoscaling(new Hashtable { ["max_scale_down_rate"] = value }).MaxScaleDownRate);
        }

        [Theory]
        [InlineData("scale_to_zero")]
        [InlineData("Scale_To_Zero")]
        [InlineData("SCALE_TO_ZERO")]
        public void EnumIsCaseInsensitiveAndNormalizedToTheApiSpelling(string value)
        {
            var settings = Promotion(new Hashtable { ["promotion_cleanup_strategy"] = value });

            Assert.Equal("SCALE_TO_ZERO", settings.PromotionCleanupStrategy.Value);
            JsonAssert.DeepEqual("""{"promotion_cleanup_strategy": "SCALE_TO_ZERO"}""", Serialize(settings));
        }

        private enum CleanupStrategy { Keep, Scale_To_Zero }

        [Fact]
        public void ClrEnumValueIsMatchedByName()
        {
            Assert.Equal("KEEP", Promotion(new Hashtable { ["promotion_cleanup_strategy"] = CleanupStrategy.Keep }).PromotionCleanupStrategy.Value);
        }

        [Fact]
        public void TypedEnumValuePassesThrough()
        {
            var strategy = new PromotionCleanupStrategyV1("DEACTIVATE");

            Assert.Same(strategy, Promotion(new Hashtable { ["promotion_cleanup_strategy"] = strategy }).PromotionCleanupStrategy);
        }

        [Fact]
        public void ExplicitNullIsKept()
        {
            var settings = Autoscaling(new Hashtable { ["target_utilization_percentage"] = null, ["max_replica"] = 2 });

            Assert.True(settings.IsGiven("TargetUtilizationPercentage"));
            JsonAssert.DeepEqual("""{"max_replica": 2, "target_utilization_percentage": null}""", Serialize(settings));
        }

        [Fact]
        public void ExplicitNullBackpressurePolicyIsKept()
        {
            var settings = SettingsConverter.Convert<UpdateRequestBackpressureSettingsV1>(new Hashtable { ["Policy"] = null }, null, "request_backpressure_settings");

            JsonAssert.DeepEqual("""{"policy": null}""", Serialize(settings));
        }

        [Fact]
        public void NestedDictionaryBecomesRollingDeployConfig()
        {
            var settings = Promotion(new Hashtable
            {
                ["RollingDeploy"] = true,
                ["rolling_deploy_config"] = new Hashtable { ["rolling_deploy_strategy"] = "replica", ["MaxSurgePercent"] = 25 },
            });

            JsonAssert.DeepEqual("""
                {"rolling_deploy": true, "rolling_deploy_config": {"rolling_deploy_strategy": "REPLICA", "max_surge_percent": 25}}
                """, Serialize(settings));
        }

        [Fact]
        public void ProblemInANestedDictionaryNamesTheFullKeyPath()
        {
            var error = Refused(() => Promotion(new Hashtable
            {
                ["rolling_deploy_config"] = new Hashtable { ["max_surge_percent"] = "lots" },
            }));

            Assert.Equal("promotion_settings.rolling_deploy_config.max_surge_percent", error.KeyPath);
            Assert.Contains("'promotion_settings.rolling_deploy_config.max_surge_percent'", error.Message);
        }

        [Fact]
        public void UnknownKeyInANestedDictionaryNamesTheFullKeyPath()
        {
            var error = Refused(() => Promotion(new Hashtable
            {
                ["rolling_deploy_config"] = new Hashtable { ["max_surge_percnt"] = 5 },
            }));

            Assert.Equal("promotion_settings.rolling_deploy_config.max_surge_percnt", error.KeyPath);
            Assert.Contains("Did you mean 'max_surge_percent'?", error.Message);
        }

        [Fact]
        public void NestedValueThatIsNotADictionaryIsRefused()
        {
            var error = Refused(() => Promotion(new Hashtable { ["rolling_deploy_config"] = "REPLICA" }));

            Assert.Equal("promotion_settings.rolling_deploy_config", error.KeyPath);
            Assert.Contains("hashtable", error.Message);
        }

        [Fact]
        public void TypedObjectPassesThroughUnchanged()
        {
            var typed = new UpdateAutoscalingSettingsV1 { MaxReplica = 9 };

            Assert.Same(typed, SettingsConverter.Convert<UpdateAutoscalingSettingsV1>(typed, null, "autoscaling_settings"));
        }

        [Fact]
        public void TypedNestedObjectPassesThroughUnchanged()
        {
            var config = new UpdateRollingDeployConfigV1 { MaxSurgePercent = 10 };

            Assert.Same(config, Promotion(new Hashtable { ["rolling_deploy_config"] = config }).RollingDeployConfig);
        }

        [Fact]
        public void NullInputGivesNull()
        {
            Assert.Null(SettingsConverter.Convert<UpdateAutoscalingSettingsV1>(null, null, "autoscaling_settings"));
        }

        [Theory]
        [InlineData("max_replica=2")]
        [InlineData(42)]
        public void NonDictionaryInputIsRefused(object input)
        {
            var error = Refused(() => SettingsConverter.Convert<UpdateAutoscalingSettingsV1>(input, null, "autoscaling_settings"));

            Assert.Equal("autoscaling_settings", error.KeyPath);
            Assert.Contains("must be a hashtable or a UpdateAutoscalingSettingsV1", error.Message);
            Assert.Contains("max_replica", error.Message);
        }

        [Fact]
        public void ANonRequestTypeIsRefused()
        {
            Assert.Throws<ArgumentException>(() => SettingsConverter.Convert(typeof(EnvironmentV1), new Hashtable(), null, "x"));
        }

        /// <summary>A stand-in for PowerShell's PSObject: a host wrapper the unwrap function strips.</summary>
        private sealed class Wrapper
        {
            public Wrapper(object inner) { Inner = inner; }
            public object Inner { get; }
        }

        private static object Unwrap(object value)
        {
            while (value is Wrapper wrapper) value = wrapper.Inner;
            return value;
        }

        [Fact]
        public void UnwrapIsAppliedToTheInputKeysAndValuesAtEveryDepth()
        {
            var input = new Wrapper(new Hashtable
            {
                [new Wrapper("max_replica")] = new Wrapper(new Wrapper(3)),
                ["target_utilization_percentage"] = new Wrapper(null),
            });

            var settings = SettingsConverter.Convert<UpdateAutoscalingSettingsV1>(input, Unwrap, "autoscaling_settings");

            JsonAssert.DeepEqual("""{"max_replica": 3, "target_utilization_percentage": null}""", Serialize(settings));
        }

        [Fact]
        public void UnwrapIsAppliedInsideNestedDictionaries()
        {
            var input = new Hashtable
            {
                ["rolling_deploy_config"] = new Wrapper(new Hashtable { ["max_surge_percent"] = new Wrapper(25), ["rolling_deploy_strategy"] = new Wrapper("replica") }),
                ["rolling_deploy"] = new Wrapper(true),
            };

            var settings = Promotion(input, Unwrap);

            JsonAssert.DeepEqual("""
                {"rolling_deploy": true, "rolling_deploy_config": {"rolling_deploy_strategy": "REPLICA", "max_surge_percent": 25}}
                """, Serialize(settings));
        }

        [Fact]
        public void WithoutUnwrapAWrappedValueIsAWrongType()
        {
            var error = Refused(() => Autoscaling(new Hashtable { ["max_replica"] = new Wrapper(3) }));

            Assert.Equal("autoscaling_settings.max_replica", error.KeyPath);
        }
    }
}
