using System.Text.Json.Nodes;

namespace Baseten.Emulator.State
{
    /// <summary>
    /// The settings an environment starts with, in the field order of the response schemas
    /// (AutoscalingSettingsV1, PromotionSettingsV1, RollingDeployConfigV1). Each call returns a new
    /// object, because the store mutates what it holds.
    /// </summary>
    internal static class SettingsDefaults
    {
        public static JsonObject Autoscaling() => new JsonObject
        {
            ["min_replica"] = 0,
            ["max_replica"] = 1,
            ["autoscaling_window"] = 60,
            ["scale_down_delay"] = 900,
            ["concurrency_target"] = 1,
            ["target_utilization_percentage"] = 70,
            ["target_in_flight_tokens"] = null,
            ["max_scale_down_rate"] = null,
        };

        /// <summary>A seeded production environment keeps one replica up, so its deployment is honestly ACTIVE.</summary>
        public static JsonObject ProductionAutoscaling()
        {
            var settings = Autoscaling();
            settings["min_replica"] = 1;
            return settings;
        }

        public static JsonObject Promotion() => new JsonObject
        {
            ["redeploy_on_promotion"] = false,
            ["rolling_deploy"] = false,
            ["promotion_cleanup_strategy"] = "SCALE_TO_ZERO",
            ["rolling_deploy_config"] = null,
            ["ramp_up_while_promoting"] = false,
            ["ramp_up_duration_seconds"] = 600,
        };

        public static JsonObject RollingDeployConfig() => new JsonObject
        {
            ["rolling_deploy_strategy"] = "REPLICA",
            ["max_surge_percent"] = 25,
            ["max_unavailable_percent"] = 0,
            ["stabilization_time_seconds"] = 0,
            ["replica_overhead_percent"] = 0,
        };

        /// <summary>
        /// What a nested settings object starts from when an update gives it while it is still null
        /// (today only rolling_deploy_config): the update object has nullable fields, the stored
        /// object has defaults for the ones not given.
        /// </summary>
        public static JsonObject ForNested(string key) =>
            key == "rolling_deploy_config" ? RollingDeployConfig() : new JsonObject();

        /// <summary>A realistic CPU instance type (InstanceTypeV1); every seeded deployment runs on it.</summary>
        public static JsonObject InstanceType() => new JsonObject
        {
            ["id"] = "1x4",
            ["name"] = "1x4 (1 vCPU, 4 GiB)",
            ["memory_limit_mib"] = 4096,
            ["millicpu_limit"] = 1000,
            ["gpu_count"] = 0,
            ["gpu_type"] = null,
            ["gpu_memory_limit_mib"] = null,
        };
    }
}
