using System.Text.Json.Serialization;

namespace Baseten.Core.Models
{
    /// <summary>An instance type (CPU, memory and GPU of each replica).</summary>
    public sealed class InstanceTypeV1 : ApiObject
    {
        [JsonPropertyName("id")] public string Id { get; set; }
        [JsonPropertyName("name")] public string Name { get; set; }
        [JsonPropertyName("memory_limit_mib")] public int MemoryLimitMib { get; set; }
        [JsonPropertyName("millicpu_limit")] public int MillicpuLimit { get; set; }
        [JsonPropertyName("gpu_count")] public int GpuCount { get; set; }
        [JsonPropertyName("gpu_type")] public string GpuType { get; set; }
        [JsonPropertyName("gpu_memory_limit_mib")] public int? GpuMemoryLimitMib { get; set; }

        public override string ToString() => Name ?? Id;
    }
}
