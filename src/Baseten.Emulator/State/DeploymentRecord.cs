using System;
using System.Text.Json.Nodes;

namespace Baseten.Emulator.State
{
    /// <summary>A deployment of a model, as the store keeps it.</summary>
    internal sealed class DeploymentRecord
    {
        public DeploymentRecord(string id, string name, DateTimeOffset createdAt)
        {
            Id = id;
            Name = name;
            CreatedAt = createdAt;
        }

        public string Id { get; }

        public string Name { get; }

        public DateTimeOffset CreatedAt { get; }

        public bool IsProduction { get; set; }

        public bool IsDevelopment { get; set; }

        /// <summary>A DeploymentStatusV1 value.</summary>
        public string Status { get; set; } = "ACTIVE";

        public int ActiveReplicaCount { get; set; }

        public JsonObject InstanceType { get; set; } = SettingsDefaults.InstanceType();

        /// <summary>The environment it serves, or null.</summary>
        public string EnvironmentName { get; set; }

        /// <summary>Its own settings; shown only while it serves no environment (else the environment's apply).</summary>
        public JsonObject Autoscaling { get; set; } = SettingsDefaults.Autoscaling();
    }
}
