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

        /// <summary>
        /// The required fields the answer lacked, by wire name. The reader refuses such an answer: a 200 with the
        /// wrong shape (a proxy's JSON, another endpoint's) must be an error, not an object of nulls.
        /// </summary>
        internal virtual IEnumerable<string> MissingRequiredFields() => System.Linq.Enumerable.Empty<string>();
    }
}
