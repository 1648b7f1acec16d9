using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Baseten.Core.Models
{
    /// <summary>The list wrapper <c>GET /v1/models/{model_id}/environments</c> answers with.</summary>
    public sealed class EnvironmentsV1 : ApiObject
    {
        [JsonPropertyName("environments")] public List<EnvironmentV1> Environments { get; set; }
    }
}
