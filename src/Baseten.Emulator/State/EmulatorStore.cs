using System;
using System.Collections.Generic;
using System.Linq;

namespace Baseten.Emulator.State
{
    /// <summary>
    /// Everything the emulator knows. One lock guards it: each request holds <see cref="Sync"/> only
    /// for its own short read-modify-render step (microseconds), never while doing I/O, so concurrent
    /// requests do not queue behind each other in any noticeable way. The lock is re-entrant, so the
    /// methods here take it too and are safe to call from outside a request.
    /// </summary>
    internal sealed class EmulatorStore
    {
        private readonly List<ModelRecord> models = new List<ModelRecord>();

        public object Sync { get; } = new object();

        public IdGenerator Ids { get; } = new IdGenerator();

        /// <summary>A snapshot, in creation order.</summary>
        public IReadOnlyList<ModelRecord> Models
        {
            get
            {
                lock (Sync)
                {
                    return models.ToList();
                }
            }
        }

        public ModelRecord FindModel(string id)
        {
            lock (Sync)
            {
                return models.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.Ordinal));
            }
        }

        /// <summary>
        /// Seeds a model as Baseten has it after a first successful deploy: one ACTIVE production
        /// deployment serving the "production" environment.
        /// </summary>
        public ModelRecord AddModel(string name)
        {
            var now = DateTimeOffset.UtcNow;
            var model = new ModelRecord(Ids.Next(), name, now);
            var deployment = new DeploymentRecord(Ids.Next(), "deployment-1", now)
            {
                IsProduction = true,
                Status = "ACTIVE",
                ActiveReplicaCount = 1,
                EnvironmentName = ModelRecord.ProductionEnvironment,
                Autoscaling = SettingsDefaults.ProductionAutoscaling(),
            };
            var production = new EnvironmentRecord(ModelRecord.ProductionEnvironment, now)
            {
                CurrentDeployment = deployment,
                Autoscaling = SettingsDefaults.ProductionAutoscaling(),
            };
            model.Deployments.Add(deployment);
            model.Environments.Add(production);

            lock (Sync)
            {
                models.Add(model);
            }

            return model;
        }

        public bool RemoveModel(string id)
        {
            lock (Sync)
            {
                return models.RemoveAll(m => string.Equals(m.Id, id, StringComparison.Ordinal)) > 0;
            }
        }
    }
}
