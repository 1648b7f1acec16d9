using System.Text.Json.Serialization;

namespace Baseten.Core.Models
{
    /// <summary>A region deployments can be placed in.</summary>
    public sealed class RegionV1 : ApiObject
    {
        [JsonPropertyName("slug")] public string Slug { get; set; }
        [JsonPropertyName("display_name")] public string DisplayName { get; set; }

        public override string ToString() => Slug;
    }
}
