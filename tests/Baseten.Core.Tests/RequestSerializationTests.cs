using System.Collections;
using System.Collections.Generic;
using System.Text.Json;
using Baseten.Core.Json;
using Baseten.Core.Models;
using Baseten.Core.Settings;
using Baseten.Core.Tests.Support;
using Xunit;

namespace Baseten.Core.Tests
{
    /// <summary>Request bodies: the documented example byte-for-meaning, and "only what was given" serialization.</summary>
    public class RequestSerializationTests
    {
        private static string Serialize(object value) => JsonSerializer.Serialize(value, value.GetType(), BasetenJson.Options);

        private static CreateEnvironmentRequestV1 DocumentedRequestTyped() => new CreateEnvironmentRequestV1
        {
            Name = "staging",
            AutoscalingSettings = new UpdateAutoscalingSettingsV1
            {
                AutoscalingWindow = 800,
                ConcurrencyTarget = 3,
                MaxReplica = 2,
                MinReplica = 1,
                ScaleDownDelay = 60,
                TargetUtilizationPercentage = null,
            },
            PromotionSettings = new UpdatePromotionSettingsV1
            {
                RampUpDurationSeconds = 600,
                RampUpWhilePromoting = true,
                RedeployOnPromotion = true,
                RollingDeploy = true,
            },
        };

        [Fact]
        public void DocumentedExampleBuiltWithTypedSettersSerializesToTheDocumentedBody()
        {
            JsonAssert.DeepEqual(DocumentedExamples.CreateRequest, Serialize(DocumentedRequestTyped()));
        }

        [Fact]
        public void DocumentedExampleBuiltFromAHashtableSerializesToTheDocumentedBody()
        {
            var input = new Hashtable
            {
                ["name"] = "staging",
                ["autoscaling_settings"] = new Hashtable
                {
                    ["autoscaling_window"] = 800,
                    ["concurrency_target"] = 3,
                    ["max_replica"] = 2,
                    ["min_replica"] = 1,
                    ["scale_down_delay"] = 60,
                    ["target_utilization_percentage"] = null,
                },
                ["promotion_settings"] = new Hashtable
                {
                    ["ramp_up_duration_seconds"] = 600,
                    ["ramp_up_while_promoting"] = true,
                    ["redeploy_on_promotion"] = true,
                    ["rolling_deploy"] = true,
                },
            };

            var request = SettingsConverter.Convert<CreateEnvironmentRequestV1>(input, null, "request");

            JsonAssert.DeepEqual(DocumentedExamples.CreateRequest, Serialize(request));
        }

        [Fact]
        public void DocumentedBodyReadsBackIntoTheRequestTypeAndWritesTheSame()
        {
            var read = JsonSerializer.Deserialize<CreateEnvironmentRequestV1>(DocumentedExamples.CreateRequest, BasetenJson.Options);

            Assert.True(read.AutoscalingSettings.IsGiven(nameof(UpdateAutoscalingSettingsV1.TargetUtilizationPercentage)));
            Assert.Null(read.AutoscalingSettings.TargetUtilizationPercentage);
            Assert.False(read.IsGiven(nameof(CreateEnvironmentRequestV1.RequestBackpressureSettings)));
            JsonAssert.DeepEqual(DocumentedExamples.CreateRequest, Serialize(read));
        }

        [Fact]
        public void OnlyGivenPropertiesAreSerialized()
        {
            var settings = new UpdateAutoscalingSettingsV1 { MaxReplica = 3 };

            JsonAssert.DeepEqual("""{"max_replica": 3}""", Serialize(settings));
            Assert.Equal(new[] { "MaxReplica" }, settings.GetGivenProperties());
        }

        [Fact]
        public void NothingGivenSerializesAsAnEmptyObject()
        {
            JsonAssert.DeepEqual("{}", Serialize(new UpdatePromotionSettingsV1()));
            JsonAssert.DeepEqual("""{"name": "x"}""", Serialize(new CreateEnvironmentRequestV1 { Name = "x" }));
        }

        [Fact]
        public void ExplicitNullIsSerializedAndDiffersFromAbsent()
        {
            var settings = new UpdateAutoscalingSettingsV1 { MinReplica = null };

            Assert.True(settings.IsGiven("MinReplica"));
            Assert.False(settings.IsGiven("MaxReplica"));
            JsonAssert.DeepEqual("""{"min_replica": null}""", Serialize(settings));
        }

        [Fact]
        public void ForgetMakesAPropertyAbsentAgain()
        {
            var settings = new UpdateAutoscalingSettingsV1 { MinReplica = 1, MaxReplica = 5, ScaleDownDelay = null };

            settings.Forget("MaxReplica");
            settings.Forget("ScaleDownDelay");

            Assert.False(settings.IsGiven("MaxReplica"));
            Assert.Null(settings.MaxReplica);
            JsonAssert.DeepEqual("""{"min_replica": 1}""", Serialize(settings));
        }

        [Fact]
        public void LaterSetOverwritesAndNullAfterAValueStaysGiven()
        {
            var settings = new UpdateAutoscalingSettingsV1 { MaxReplica = 5 };
            settings.MaxReplica = 7;
            settings.MinReplica = 1;
            settings.MinReplica = null;

            JsonAssert.DeepEqual("""{"max_replica": 7, "min_replica": null}""", Serialize(settings));
        }

        [Fact]
        public void NestedRollingDeployConfigIsSerializedWithOnlyItsGivenFields()
        {
            var promotion = new UpdatePromotionSettingsV1
            {
                RollingDeploy = true,
                PromotionCleanupStrategy = new PromotionCleanupStrategyV1("scale_to_zero"),
                RollingDeployConfig = new UpdateRollingDeployConfigV1
                {
                    RollingDeployStrategy = new RollingDeployStrategyV1("REPLICA"),
                    MaxSurgePercent = 25,
                    StabilizationTimeSeconds = null,
                },
            };

            JsonAssert.DeepEqual("""
                {
                  "rolling_deploy": true,
                  "promotion_cleanup_strategy": "SCALE_TO_ZERO",
                  "rolling_deploy_config": {
                    "rolling_deploy_strategy": "REPLICA",
                    "max_surge_percent": 25,
                    "stabilization_time_seconds": null
                  }
                }
                """, Serialize(promotion));
        }

        [Fact]
        public void BackpressureExplicitNullPolicyIsSerializedAsPolicyNull()
        {
            var request = new CreateEnvironmentRequestV1
            {
                Name = "staging",
                RequestBackpressureSettings = new UpdateRequestBackpressureSettingsV1 { Policy = null },
            };

            JsonAssert.DeepEqual("""{"name": "staging", "request_backpressure_settings": {"policy": null}}""", Serialize(request));
            JsonAssert.DeepEqual("{}", Serialize(new UpdateRequestBackpressureSettingsV1()));
        }

        [Fact]
        public void BackpressurePolicyValueIsSerializedAsItsApiString()
        {
            var settings = new UpdateRequestBackpressureSettingsV1 { Policy = new RequestBackpressurePolicyV1("reject_on_full") };

            JsonAssert.DeepEqual("""{"policy": "REJECT_ON_FULL"}""", Serialize(settings));
        }

        [Fact]
        public void FieldsAreWrittenInTheDeclaredOrderNotTheOrderSet()
        {
            var settings = new UpdateAutoscalingSettingsV1 { ConcurrencyTarget = 3, MinReplica = 1 };

            Assert.Equal(new[] { "min_replica", "concurrency_target" }, JsonAssert.Keys(Serialize(settings)));
        }

        [Fact]
        public void NamesWithHtmlSensitiveCharactersAreNotEscaped()
        {
            var json = Serialize(new CreateEnvironmentRequestV1 { Name = "qa+prod<1>" });

            Assert.Contains("qa+prod<1>", json);
        }

        [Fact]
        public void ReadingARequestWithAnUnknownFieldFails()
        {
            Assert.ThrowsAny<JsonException>(() =>
                JsonSerializer.Deserialize<UpdateAutoscalingSettingsV1>("""{"max_replicas": 3}""", BasetenJson.Options));
        }
    }
}
