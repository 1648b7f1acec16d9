using static Baseten.Emulator.Validation.FieldSpec;

namespace Baseten.Emulator.Validation
{
    /// <summary>
    /// The request bodies the emulator accepts, transcribed from Baseten's OpenAPI document
    /// (components.schemas, 2026-08-22 copy). The emulator ships without that document, so the
    /// shapes live here; when the API adds a field, add one line below.
    ///
    /// Every object refuses unknown keys. The published document says so only for some of them
    /// (UpdateAutoscalingSettingsV1, UpdateRequestBackpressureSettingsV1, UpdateEnvironmentRequestV1,
    /// the schedule objects); the emulator is stricter on purpose, so a misspelt key in a user's
    /// script fails here instead of being silently ignored.
    /// </summary>
    internal static class RequestSchemas
    {
        private static readonly IntegerKind Integer = new IntegerKind();
        private static readonly BooleanKind Boolean = new BooleanKind();
        private static readonly StringKind String = new StringKind();

        public static readonly EnumKind PromotionCleanupStrategy = new EnumKind("KEEP", "SCALE_TO_ZERO", "DEACTIVATE");
        public static readonly EnumKind RollingDeployStrategy = new EnumKind("REPLICA");
        public static readonly EnumKind RequestBackpressurePolicy = new EnumKind("QUEUE_ON_FULL", "REJECT_ON_FULL");
        public static readonly EnumKind AutoscalingScheduleCadence = new EnumKind("DAILY", "HOURLY");
        public static readonly EnumKind AutoscalingScheduleWeekday =
            new EnumKind("SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY");

        public static readonly ObjectSchema UpdateAutoscalingSettings = new ObjectSchema(
            "UpdateAutoscalingSettingsV1",
            Optional("min_replica", Integer),
            Optional("max_replica", Integer),
            Optional("autoscaling_window", Integer),
            Optional("scale_down_delay", Integer),
            Optional("concurrency_target", Integer),
            Optional("target_utilization_percentage", Integer),
            Optional("target_in_flight_tokens", Integer),
            Optional("max_scale_down_rate", new IntegerKind(1, 50)));

        public static readonly ObjectSchema UpdateRollingDeployConfig = new ObjectSchema(
            "UpdateRollingDeployConfigV1",
            Optional("rolling_deploy_strategy", RollingDeployStrategy),
            Optional("max_surge_percent", Integer),
            Optional("max_unavailable_percent", Integer),
            Optional("stabilization_time_seconds", Integer),
            Optional("replica_overhead_percent", Integer));

        public static readonly ObjectSchema UpdatePromotionSettings = new ObjectSchema(
            "UpdatePromotionSettingsV1",
            Optional("redeploy_on_promotion", Boolean),
            Optional("rolling_deploy", Boolean),
            Optional("promotion_cleanup_strategy", PromotionCleanupStrategy),
            Optional("rolling_deploy_config", new ObjectKind(UpdateRollingDeployConfig)),
            Optional("ramp_up_while_promoting", Boolean),
            Optional("ramp_up_duration_seconds", Integer));

        public static readonly ObjectSchema UpdateRequestBackpressureSettings = new ObjectSchema(
            "UpdateRequestBackpressureSettingsV1",
            Optional("policy", RequestBackpressurePolicy));

        /// <summary>A schedule's overrides: every key must be sent, null meaning "follow the environment".</summary>
        public static readonly ObjectSchema AutoscalingScheduleSettingsRequest = new ObjectSchema(
            "AutoscalingScheduleSettingsRequestV1",
            Required("min_replica", Integer),
            Required("max_replica", Integer),
            RequiredNullable("autoscaling_window", Integer),
            RequiredNullable("scale_down_delay", Integer),
            RequiredNullable("concurrency_target", Integer),
            RequiredNullable("target_utilization_percentage", Integer),
            RequiredNullable("target_in_flight_tokens", Integer),
            RequiredNullable("max_scale_down_rate", new IntegerKind(1, 50)));

        public static readonly ObjectSchema AutoscalingScheduleUpsert = new ObjectSchema(
            "AutoscalingScheduleUpsertV1",
            Optional("id", String),
            Required("name", String),
            Required("enabled", Boolean),
            Required("cadence", AutoscalingScheduleCadence),
            Required("weekdays", new ArrayKind(AutoscalingScheduleWeekday)),
            Optional("start_hour", Integer),
            Required("start_minute", Integer),
            Optional("end_hour", Integer),
            Required("end_minute", Integer),
            Required("autoscaling_settings", new ObjectKind(AutoscalingScheduleSettingsRequest)));

        public static readonly ObjectSchema UpdateAutoscalingScheduleSettings = new ObjectSchema(
            "UpdateAutoscalingScheduleSettingsV1",
            Optional("timezone", String),
            OptionalNotNull("schedules", new ArrayKind(new ObjectKind(AutoscalingScheduleUpsert))),
            OptionalNotNull("delete_schedules", new ArrayKind(String)));

        /// <summary>POST /v1/models/{model_id}/environments.</summary>
        public static readonly ObjectSchema CreateEnvironment = new ObjectSchema(
            "CreateEnvironmentRequestV1",
            // The API's pydantic model allows "", but an environment without a name cannot be addressed.
            Required("name", new StringKind(minLength: 1)),
            Optional("autoscaling_settings", new ObjectKind(UpdateAutoscalingSettings)),
            Optional("promotion_settings", new ObjectKind(UpdatePromotionSettings)),
            Optional("request_backpressure_settings", new ObjectKind(UpdateRequestBackpressureSettings)));

        /// <summary>PATCH /v1/models/{model_id}/environments/{env_name}.</summary>
        public static readonly ObjectSchema UpdateEnvironment = new ObjectSchema(
            "UpdateEnvironmentRequestV1",
            Optional("autoscaling_settings", new ObjectKind(UpdateAutoscalingSettings)),
            Optional("promotion_settings", new ObjectKind(UpdatePromotionSettings)),
            Optional("autoscaling_schedule_settings", new ObjectKind(UpdateAutoscalingScheduleSettings)),
            Optional("request_backpressure_settings", new ObjectKind(UpdateRequestBackpressureSettings)));
    }
}
