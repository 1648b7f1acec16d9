using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Baseten.Core.Models
{
    /// <summary>
    /// Base of every object the API returns. The API adds fields to existing objects often; a field this
    /// module does not know yet lands in <see cref="AdditionalProperties"/> instead of being lost or failing.
    /// </summary>
    public abstract class ApiObject
    {
        /// <summary>Fields the API sent that this version of the module has no property for.</summary>
        [JsonExtensionData]
        public Dictionary<string, JsonElement> AdditionalProperties { get; set; }
    }
}
