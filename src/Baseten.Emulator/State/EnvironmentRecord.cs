using System;
using System.Text.Json.Nodes;

namespace Baseten.Emulator.State
{
    /// <summary>An environment of a model, as the store keeps it. Settings are held in their response shape.</summary>
    internal sealed class EnvironmentRecord
    {
        public EnvironmentRecord(string name, DateTimeOffset createdAt)
        {
            Name = name;
            CreatedAt = createdAt;
        }

        public string Name { get; }

        public DateTimeOffset CreatedAt { get; }

        /// <summary>Null for a new environment until something is promoted to it.</summary>
        public DeploymentRecord CurrentDeployment { get; set; }

        public JsonObject Autoscaling { get; set; } = SettingsDefaults.Autoscaling();

        public JsonObject Promotion { get; set; } = SettingsDefaults.Promotion();

        /// <summary>A RequestBackpressurePolicyV1 value, or null for none.</summary>
        public string BackpressurePolicy { get; set; }

        public JsonObject InstanceType { get; set; } = SettingsDefaults.InstanceType();

        public ScheduleCollection Schedules { get; set; } = new ScheduleCollection();
    }
}
