using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Baseten.Core.Models
{
    /// <summary>The list wrapper <c>GET /v1/models/{model_id}/environments</c> answers with.</summary>
    public sealed class EnvironmentsV1 : ApiObject
    {
        [JsonPropertyName("environments")] public List<EnvironmentV1> Environments { get; set; }

        internal override IEnumerable<string> MissingRequiredFields()
        {
            if (Environments == null)
            {
                yield return "environments";
                yield break;
            }
            for (var i = 0; i < Environments.Count; i++)
            {
                if (Environments[i] == null)
                {
                    yield return $"environments[{i}]";
                    continue;
                }
                foreach (var field in Environments[i].MissingRequiredFields()) yield return $"environments[{i}].{field}";
            }
        }
    }
}
