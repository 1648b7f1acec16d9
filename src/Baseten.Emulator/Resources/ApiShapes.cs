using System;
using System.Globalization;
using System.Text.Json.Nodes;
using Baseten.Emulator.State;

namespace Baseten.Emulator.Resources
{
    /// <summary>
    /// Renders stored records in the newest response schemas (ModelV1, DeploymentV1, EnvironmentV1 and
    /// the tombstones), every required field present and in the schema's order. Always fresh copies:
    /// a rendered object may leave the store's lock.
    /// </summary>
    internal static class ApiShapes
    {
        /// <summary>ISO 8601 in UTC with a "Z", as the API's examples show ("2023-11-07T05:31:56Z"), plus microseconds as Python writes them.</summary>
        public static string Timestamp(DateTimeOffset time) =>
            time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

        public static JsonObject Model(ModelRecord model)
        {
            var production = model.ProductionDeployment;
            return new JsonObject
            {
                ["id"] = model.Id,
                ["created_at"] = Timestamp(model.CreatedAt),
                ["name"] = model.Name,
                ["deployments_count"] = model.Deployments.Count,
                ["production_deployment_id"] = production?.Id,
                ["development_deployment_id"] = model.DevelopmentDeployment?.Id,
                ["instance_type_name"] = (string)(production ?? model.Deployments[0]).InstanceType["name"],
                ["team_name"] = model.TeamName,
            };
        }

        public static JsonObject Deployment(ModelRecord model, DeploymentRecord deployment)
        {
            // A deployment serving an environment runs with that environment's settings.
            var environment = deployment.EnvironmentName == null ? null : model.FindEnvironment(deployment.EnvironmentName);
            return new JsonObject
            {
                ["id"] = deployment.Id,
                ["created_at"] = Timestamp(deployment.CreatedAt),
                ["name"] = deployment.Name,
                ["model_id"] = model.Id,
                ["is_production"] = deployment.IsProduction,
                ["is_development"] = deployment.IsDevelopment,
                ["status"] = deployment.Status,
                ["active_replica_count"] = deployment.ActiveReplicaCount,
                ["autoscaling_settings"] = (environment?.Autoscaling ?? deployment.Autoscaling).DeepClone(),
                ["instance_type_name"] = (string)deployment.InstanceType["name"],
                ["environment"] = environment?.Name,
                ["labels"] = null,
                ["region"] = null,
                ["request_backpressure_settings"] = Backpressure(environment?.BackpressurePolicy),
            };
        }

        public static JsonObject Environment(ModelRecord model, EnvironmentRecord environment) => new JsonObject
        {
            ["name"] = environment.Name,
            ["created_at"] = Timestamp(environment.CreatedAt),
            ["model_id"] = model.Id,
            ["current_deployment"] = environment.CurrentDeployment == null ? null : Deployment(model, environment.CurrentDeployment),
            ["candidate_deployment"] = null,
            ["in_progress_promotion"] = null,
            ["autoscaling_settings"] = environment.Autoscaling.DeepClone(),
            ["promotion_settings"] = environment.Promotion.DeepClone(),
            ["instance_type"] = environment.InstanceType.DeepClone(),
            ["request_backpressure_settings"] = Backpressure(environment.BackpressurePolicy),
            ["autoscaling_schedules"] = Schedules(environment),
        };

        public static JsonObject ModelTombstone(ModelRecord model) => new JsonObject
        {
            ["id"] = model.Id,
            ["deleted"] = true,
        };

        public static JsonObject EnvironmentTombstone(ModelRecord model, EnvironmentRecord environment) => new JsonObject
        {
            ["name"] = environment.Name,
            ["model_id"] = model.Id,
            ["deleted"] = true,
        };

        private static JsonObject Backpressure(string policy) => new JsonObject { ["policy"] = policy };

        /// <summary>EnvironmentAutoscalingSchedulesV1, or null for an environment that never had schedules.</summary>
        private static JsonObject Schedules(EnvironmentRecord environment)
        {
            if (environment.Schedules.IsEmpty)
            {
                return null;
            }

            var schedules = new JsonArray();
            foreach (var schedule in environment.Schedules.Items)
            {
                schedules.Add(schedule.DeepClone());
            }

            return new JsonObject
            {
                ["timezone"] = environment.Schedules.Timezone,
                ["schedules"] = schedules,

                // The emulator has no clock-driven scaling: the baseline settings are always the ones applied.
                ["applied_state"] = new JsonObject
                {
                    ["schedule_id"] = null,
                    ["autoscaling_settings"] = environment.Autoscaling.DeepClone(),
                },
            };
        }
    }
}
