namespace Baseten.Emulator
{
    /// <summary>What <see cref="BasetenEmulator.AddModel"/> seeded, so a test can address it.</summary>
    public sealed class EmulatedModel
    {
        internal EmulatedModel(string id, string name, string productionDeploymentId)
        {
            Id = id;
            Name = name;
            ProductionDeploymentId = productionDeploymentId;
        }

        public string Id { get; }

        public string Name { get; }

        public string ProductionDeploymentId { get; }

        public override string ToString() => Name + " (" + Id + ")";
    }
}
