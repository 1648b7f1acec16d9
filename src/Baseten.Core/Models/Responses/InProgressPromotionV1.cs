using System.Text.Json.Serialization;

namespace Baseten.Core.Models
{
    /// <summary>A promotion in flight into an environment.</summary>
    public sealed class InProgressPromotionV1 : ApiObject
    {
        [JsonPropertyName("status")] public InProgressPromotionStatusV1 Status { get; set; }
        [JsonPropertyName("percent_traffic_to_new_version")] public int PercentTrafficToNewVersion { get; set; }
        [JsonPropertyName("error_message")] public string ErrorMessage { get; set; }
        [JsonPropertyName("rolling_deploy")] public bool? RollingDeploy { get; set; }
    }
}
