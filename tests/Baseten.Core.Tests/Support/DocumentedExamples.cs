namespace Baseten.Core.Tests.Support
{
    /// <summary>The examples of shared/spec/create-an-environment.md, copied as they are ("&lt;string&gt;" placeholders included).</summary>
    public static class DocumentedExamples
    {
        /// <summary>The request body example (also the curl sample's --data).</summary>
        public const string CreateRequest = """
            {
              "name": "staging",
              "autoscaling_settings": {
                "autoscaling_window": 800,
                "concurrency_target": 3,
                "max_replica": 2,
                "min_replica": 1,
                "scale_down_delay": 60,
                "target_utilization_percentage": null
              },
              "promotion_settings": {
                "ramp_up_duration_seconds": 600,
                "ramp_up_while_promoting": true,
                "redeploy_on_promotion": true,
                "rolling_deploy": true
              }
            }
            """;

        /// <summary>The 200 response example.</summary>
        public const string CreateResponse = """
            {
              "name": "<string>",
              "created_at": "2023-11-07T05:31:56Z",
              "model_id": "<string>",
              "current_deployment": {
                "id": "<string>",
                "created_at": "2023-11-07T05:31:56Z",
                "name": "<string>",
                "model_id": "<string>",
                "is_production": true,
                "is_development": true,
                "status": "BUILDING",
                "active_replica_count": 123,
                "autoscaling_settings": {
                  "min_replica": 123,
                  "max_replica": 123,
                  "autoscaling_window": 123,
                  "scale_down_delay": 123,
                  "concurrency_target": 123,
                  "target_utilization_percentage": 123
                },
                "instance_type_name": "<string>",
                "environment": "<string>"
              },
              "autoscaling_settings": {
                "min_replica": 123,
                "max_replica": 123,
                "autoscaling_window": 123,
                "scale_down_delay": 123,
                "concurrency_target": 123,
                "target_utilization_percentage": 123
              },
              "promotion_settings": {
                "redeploy_on_promotion": true,
                "rolling_deploy": true,
                "ramp_up_while_promoting": true,
                "ramp_up_duration_seconds": 600
              },
              "instance_type": {
                "id": "<string>",
                "name": "<string>",
                "memory_limit_mib": 123,
                "millicpu_limit": 123,
                "gpu_count": 123,
                "gpu_type": "<string>",
                "gpu_memory_limit_mib": 123
              }
            }
            """;

        /// <summary>A newer EnvironmentV1: fields added since the page, a promotion in flight, an unknown status and field.</summary>
        public const string NewerResponse = """
            {
              "name": "staging",
              "created_at": "2026-08-01T10:00:00.123456Z",
              "model_id": "m1",
              "current_deployment": {
                "id": "d1",
                "created_at": "2026-08-01T10:00:00Z",
                "name": "v1",
                "model_id": "m1",
                "is_production": false,
                "is_development": false,
                "status": "HIBERNATING",
                "active_replica_count": 0,
                "autoscaling_settings": null,
                "instance_type_name": null,
                "environment": "staging",
                "labels": {"team": "ml"},
                "region": {"slug": "us-east", "display_name": "US East"},
                "request_backpressure_settings": {"policy": "QUEUE_ON_FULL"}
              },
              "candidate_deployment": {
                "id": "d2",
                "created_at": "2026-08-02T10:00:00Z",
                "name": "v2",
                "model_id": "m1",
                "is_production": false,
                "is_development": false,
                "status": "active",
                "active_replica_count": 1,
                "autoscaling_settings": null,
                "instance_type_name": "H100",
                "environment": null
              },
              "in_progress_promotion": {
                "status": "RAMPING_UP",
                "percent_traffic_to_new_version": 40,
                "error_message": null,
                "rolling_deploy": true
              },
              "autoscaling_settings": {
                "min_replica": 0,
                "max_replica": 4,
                "autoscaling_window": 60,
                "scale_down_delay": 900,
                "concurrency_target": 2,
                "target_utilization_percentage": 70,
                "target_in_flight_tokens": null,
                "max_scale_down_rate": 25
              },
              "promotion_settings": {
                "redeploy_on_promotion": false,
                "rolling_deploy": true,
                "promotion_cleanup_strategy": "SCALE_TO_ZERO",
                "rolling_deploy_config": {
                  "rolling_deploy_strategy": "REPLICA",
                  "max_surge_percent": 25,
                  "max_unavailable_percent": 0,
                  "stabilization_time_seconds": 30,
                  "replica_overhead_percent": 10
                },
                "ramp_up_while_promoting": false,
                "ramp_up_duration_seconds": 600
              },
              "instance_type": {
                "id": "H100",
                "name": "H100 80GB",
                "memory_limit_mib": 1000,
                "millicpu_limit": 8000,
                "gpu_count": 1,
                "gpu_type": "H100",
                "gpu_memory_limit_mib": 81920
              },
              "request_backpressure_settings": {"policy": null},
              "autoscaling_schedules": null,
              "brand_new_field": {"nested": [1, 2, 3]}
            }
            """;
    }
}
