using System;
using System.Collections.Generic;
using System.Linq;

namespace Baseten.Emulator.State
{
    /// <summary>A model with its deployments and environments; deleting the model drops them all.</summary>
    internal sealed class ModelRecord
    {
        public const string ProductionEnvironment = "production";

        public ModelRecord(string id, string name, DateTimeOffset createdAt)
        {
            Id = id;
            Name = name;
            CreatedAt = createdAt;
        }

        public string Id { get; }

        public string Name { get; }

        public DateTimeOffset CreatedAt { get; }

        public string TeamName { get; set; } = "Default Team";

        public List<DeploymentRecord> Deployments { get; } = new List<DeploymentRecord>();

        /// <summary>In creation order, so lists come back in a stable order.</summary>
        public List<EnvironmentRecord> Environments { get; } = new List<EnvironmentRecord>();

        public DeploymentRecord ProductionDeployment => Deployments.FirstOrDefault(d => d.IsProduction);

        public DeploymentRecord DevelopmentDeployment => Deployments.FirstOrDefault(d => d.IsDevelopment);

        /// <summary>Finds by id, or by the aliases "production" and "development" the API accepts in its place.</summary>
        public DeploymentRecord FindDeployment(string idOrAlias)
        {
            switch (idOrAlias)
            {
                case "production":
                    return ProductionDeployment;
                case "development":
                    return DevelopmentDeployment;
                default:
                    return Deployments.FirstOrDefault(d => string.Equals(d.Id, idOrAlias, StringComparison.Ordinal));
            }
        }

        public EnvironmentRecord FindEnvironment(string name) =>
            Environments.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.Ordinal));
    }
}
