using System.Collections;
using System.Management.Automation;
using System.Text.Json;
using Baseten.Core.Json;
using Baseten.Core.Models;
using Baseten.Core.Settings;
using Xunit;

namespace Baseten.PowerShell.Tests
{
    /// <summary>The core's SettingsConverter fed what PowerShell really passes: values and keys wrapped in PSObject.</summary>
    public class SettingsWithPSObjectTests
    {
        private static string Serialize(object value) => JsonSerializer.Serialize(value, value.GetType(), BasetenJson.Options);

        private static void AssertJsonEqual(string expected, string actual)
        {
            using var e = JsonDocument.Parse(expected);
            using var a = JsonDocument.Parse(actual);
            Assert.Equal(Normalize(e.RootElement), Normalize(a.RootElement));
        }

        // Compact, key order kept: the serializer writes the declared order, and so does each expectation here.
        private static string Normalize(JsonElement element) => JsonSerializer.Serialize(element);

        [Fact]
        public void WrappedValuesConvertAndSerializeWithoutAnObjectCycle()
        {
            var input = new Hashtable
            {
                ["max_replica"] = PS.Wrap(2),
                ["MinReplica"] = PS.Wrap(PS.Wrap(1)),
                ["target_utilization_percentage"] = null,
                ["scale_down_delay"] = PS.Wrap(60.0),
            };

            var settings = SettingsConverter.Convert<UpdateAutoscalingSettingsV1>(input, PowerShellValues.Unwrap, "autoscaling_settings");

            AssertJsonEqual("""{"min_replica": 1, "max_replica": 2, "scale_down_delay": 60, "target_utilization_percentage": null}""", Serialize(settings));
        }

        [Fact]
        public void WrappedKeysNestedHashtablesAndEnumsConvert()
        {
            var input = PS.Wrap(new Hashtable
            {
                [PS.Wrap("rolling_deploy")] = PS.Wrap(true),
                ["promotion_cleanup_strategy"] = PS.Wrap("keep"),
                ["rolling_deploy_config"] = PS.Wrap(new Hashtable
                {
                    [PS.Wrap("MaxSurgePercent")] = PS.Wrap(25),
                    ["rolling_deploy_strategy"] = PS.Wrap("replica"),
                }),
                ["ramp_up_while_promoting"] = PS.Wrap(new SwitchParameter(true)),
            });

            var settings = SettingsConverter.Convert<UpdatePromotionSettingsV1>(input, PowerShellValues.Unwrap, "promotion_settings");

            AssertJsonEqual("""
                {"rolling_deploy": true, "promotion_cleanup_strategy": "KEEP",
                 "rolling_deploy_config": {"rolling_deploy_strategy": "REPLICA", "max_surge_percent": 25},
                 "ramp_up_while_promoting": true}
                """, Serialize(settings));
        }

        [Fact]
        public void PSCustomObjectStandsForAHashtable()
        {
            var custom = new PSObject();
            custom.Properties.Add(new PSNoteProperty("name", "staging"));
            var autoscaling = new PSObject();
            autoscaling.Properties.Add(new PSNoteProperty("max_replica", PS.Wrap(4)));
            custom.Properties.Add(new PSNoteProperty("autoscaling_settings", autoscaling));

            var request = SettingsConverter.Convert<CreateEnvironmentRequestV1>(custom, PowerShellValues.Unwrap, "request");

            AssertJsonEqual("""{"name": "staging", "autoscaling_settings": {"max_replica": 4}}""", Serialize(request));
        }

        [Fact]
        public void WrappedWrongTypeIsStillRefusedWithItsKey()
        {
            var input = new Hashtable { ["max_replica"] = PS.Wrap("2") };

            var error = Assert.Throws<SettingsConversionException>(() =>
                SettingsConverter.Convert<UpdateAutoscalingSettingsV1>(input, PowerShellValues.Unwrap, "autoscaling_settings"));

            Assert.Equal("autoscaling_settings.max_replica", error.KeyPath);
            Assert.Contains("the string '2'", error.Message);
        }

        [Fact]
        public void WithoutUnwrapAPSObjectValueIsRefusedRatherThanSerialized()
        {
            var input = new Hashtable { ["max_replica"] = PS.Wrap(2) };

            Assert.Throws<SettingsConversionException>(() =>
                SettingsConverter.Convert<UpdateAutoscalingSettingsV1>(input, null, "autoscaling_settings"));
        }
    }
}
