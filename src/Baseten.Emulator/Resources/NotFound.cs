using Baseten.Emulator.Server;

namespace Baseten.Emulator.Resources
{
    /// <summary>The 404 answers, worded alike across resources.</summary>
    internal static class NotFound
    {
        public static ApiResponse Model(string modelId) =>
            ApiResponse.Error(404, "Model " + modelId + " not found");

        public static ApiResponse Deployment(string modelId, string deploymentId) =>
            ApiResponse.Error(404, "Deployment " + deploymentId + " not found for model " + modelId);

        public static ApiResponse Environment(string modelId, string environmentName) =>
            ApiResponse.Error(404, "Environment '" + environmentName + "' not found for model " + modelId);
    }
}
