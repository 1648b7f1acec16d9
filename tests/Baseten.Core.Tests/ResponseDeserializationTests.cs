using System;
using System.Text.Json;
using Baseten.Core.Json;
using Baseten.Core.Models;
using Baseten.Core.Tests.Support;
using Xunit;

namespace Baseten.Core.Tests
{
    /// <summary>Responses: the documented example, a newer shape, unknown fields and unknown enum values.</summary>
    public class ResponseDeserializationTests
    {
        private static EnvironmentV1 Read(string json) => JsonSerializer.Deserialize<EnvironmentV1>(json, BasetenJson.Options);

        [Fact]
        public void DocumentedResponseExampleReads()
        {
            var environment = Read(DocumentedExamples.CreateResponse);

            Assert.Equal("<string>", environment.Name);
            Assert.Equal("<string>", environment.ModelId);
            Assert.Equal(new DateTimeOffset(2023, 11, 7, 5, 31, 56, TimeSpan.Zero), environment.CreatedAt);
            Assert.Equal(TimeSpan.Zero, environment.CreatedAt.Offset);

            var deployment = environment.CurrentDeployment;
            Assert.NotNull(deployment);
            Assert.Equal("<string>", deployment.Id);
            Assert.Equal(new DateTimeOffset(2023, 11, 7, 5, 31, 56, TimeSpan.Zero), deployment.CreatedAt);
            Assert.True(deployment.IsProduction);
            Assert.True(deployment.IsDevelopment);
            Assert.Equal("BUILDING", deployment.Status.Value);
            Assert.True(deployment.Status.IsKnown);
            Assert.Equal(123, deployment.ActiveReplicaCount);
            Assert.Equal(123, deployment.AutoscalingSettings.TargetUtilizationPercentage);
            Assert.Equal("<string>", deployment.InstanceTypeName);
            Assert.Equal("<string>", deployment.Environment);

            Assert.Equal(123, environment.AutoscalingSettings.MinReplica);
            Assert.Equal(123, environment.AutoscalingSettings.MaxReplica);
            Assert.Equal(123, environment.AutoscalingSettings.AutoscalingWindow);
            Assert.Equal(123, environment.AutoscalingSettings.ScaleDownDelay);
            Assert.Equal(123, environment.AutoscalingSettings.ConcurrencyTarget);
            Assert.Null(environment.AutoscalingSettings.MaxScaleDownRate);

            Assert.True(environment.PromotionSettings.RedeployOnPromotion);
            Assert.True(environment.PromotionSettings.RollingDeploy);
            Assert.True(environment.PromotionSettings.RampUpWhilePromoting);
            Assert.Equal(600, environment.PromotionSettings.RampUpDurationSeconds);

            Assert.Equal("<string>", environment.InstanceType.Id);
            Assert.Equal(123, environment.InstanceType.MemoryLimitMib);
            Assert.Equal(123, environment.InstanceType.MillicpuLimit);
            Assert.Equal(123, environment.InstanceType.GpuCount);
            Assert.Equal("<string>", environment.InstanceType.GpuType);
            Assert.Equal(123, environment.InstanceType.GpuMemoryLimitMib);

            // Fields newer than the page are simply absent; nothing unknown in the documented example.
            Assert.Null(environment.CandidateDeployment);
            Assert.Null(environment.InProgressPromotion);
            Assert.True(environment.AdditionalProperties == null || environment.AdditionalProperties.Count == 0);
        }

        [Fact]
        public void NewerShapeReadsItsAddedFields()
        {
            var environment = Read(DocumentedExamples.NewerResponse);

            Assert.Equal(new DateTimeOffset(2026, 8, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(1234560), environment.CreatedAt);
            Assert.NotNull(environment.RequestBackpressureSettings);
            Assert.Null(environment.RequestBackpressureSettings.Policy);
            Assert.Equal("QUEUE_ON_FULL", environment.CurrentDeployment.RequestBackpressureSettings.Policy.Value);
            Assert.Equal("us-east", environment.CurrentDeployment.Region.Slug);
            Assert.Equal("ml", environment.CurrentDeployment.Labels["team"].GetString());
            Assert.Null(environment.CurrentDeployment.AutoscalingSettings);

            Assert.Equal("d2", environment.CandidateDeployment.Id);
            Assert.Equal("RAMPING_UP", environment.InProgressPromotion.Status.Value);
            Assert.True(environment.InProgressPromotion.Status.IsKnown);
            Assert.Equal(40, environment.InProgressPromotion.PercentTrafficToNewVersion);
            Assert.True(environment.InProgressPromotion.RollingDeploy);

            Assert.Equal(25, environment.AutoscalingSettings.MaxScaleDownRate);
            Assert.Null(environment.AutoscalingSettings.TargetInFlightTokens);
            Assert.Equal("SCALE_TO_ZERO", environment.PromotionSettings.PromotionCleanupStrategy.Value);
            Assert.Equal("REPLICA", environment.PromotionSettings.RollingDeployConfig.RollingDeployStrategy.Value);
            Assert.Equal(25, environment.PromotionSettings.RollingDeployConfig.MaxSurgePercent);
            Assert.Equal(81920, environment.InstanceType.GpuMemoryLimitMib);
        }

        [Fact]
        public void UnknownFieldLandsInAdditionalProperties()
        {
            var environment = Read(DocumentedExamples.NewerResponse);

            Assert.NotNull(environment.AdditionalProperties);
            Assert.True(environment.AdditionalProperties.ContainsKey("brand_new_field"));
            Assert.Equal(3, environment.AdditionalProperties["brand_new_field"].GetProperty("nested").GetArrayLength());
            // Known fields do not leak into it.
            Assert.False(environment.AdditionalProperties.ContainsKey("name"));
            Assert.False(environment.AdditionalProperties.ContainsKey("candidate_deployment"));
        }

        [Fact]
        public void UnknownFieldInANestedObjectLandsInThatObjectsAdditionalProperties()
        {
            var json = DocumentedExamples.CreateResponse.Replace("\"gpu_count\": 123,", "\"gpu_count\": 123, \"nvlink\": true,");

            var environment = Read(json);

            Assert.True(environment.InstanceType.AdditionalProperties["nvlink"].GetBoolean());
        }

        [Fact]
        public void UnknownStatusReadsBackAsItsStringAndIsNotKnown()
        {
            var status = Read(DocumentedExamples.NewerResponse).CurrentDeployment.Status;

            Assert.Equal("HIBERNATING", status.Value);
            Assert.Equal("HIBERNATING", status.ToString());
            Assert.False(status.IsKnown);
            Assert.True(status.Equals("hibernating"));
        }

        [Fact]
        public void StatusComparesEqualToItsStringIgnoringCase()
        {
            var status = Read(DocumentedExamples.NewerResponse).CandidateDeployment.Status;

            // The API sent "active": a known value in another case takes the API's spelling.
            Assert.Equal("ACTIVE", status.Value);
            Assert.True(status.IsKnown);
            Assert.True(status.Equals("active"));
            Assert.True(status.Equals("ACTIVE"));
            Assert.False(status.Equals("INACTIVE"));
            Assert.Equal(new DeploymentStatusV1("Active"), status);
            Assert.Equal(new DeploymentStatusV1("active").GetHashCode(), status.GetHashCode());
            Assert.Equal(0, status.CompareTo("active"));
        }

        [Fact]
        public void EnumsOfDifferentTypesWithTheSameTextAreNotEqual()
        {
            Assert.False(new DeploymentStatusV1("FAILED").Equals(new InProgressPromotionStatusV1("FAILED")));
        }

        [Fact]
        public void StatusThatIsNotAStringIsRefused()
        {
            var json = DocumentedExamples.CreateResponse.Replace("\"status\": \"BUILDING\"", "\"status\": 3");

            Assert.ThrowsAny<JsonException>(() => Read(json));
        }

        [Fact]
        public void ReadEnumWritesBackAsItsString()
        {
            var status = new DeploymentStatusV1("hibernating");

            Assert.Equal("\"hibernating\"", JsonSerializer.Serialize(status, BasetenJson.Options));
            Assert.Equal("\"ACTIVE\"", JsonSerializer.Serialize(new DeploymentStatusV1("active"), BasetenJson.Options));
        }

        [Fact]
        public void EnvironmentListWrapperReads()
        {
            var json = "{\"environments\": [" + DocumentedExamples.CreateResponse + "," + DocumentedExamples.NewerResponse + "]}";

            var list = JsonSerializer.Deserialize<EnvironmentsV1>(json, BasetenJson.Options);

            Assert.Equal(2, list.Environments.Count);
            Assert.Equal("staging", list.Environments[1].Name);
        }
    }
}
