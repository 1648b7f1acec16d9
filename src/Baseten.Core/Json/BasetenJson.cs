using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Baseten.Core.Json
{
    /// <summary>The one set of JSON options for everything sent to and read from the API.</summary>
    public static class BasetenJson
    {
        /// <summary>
        /// snake_case on the wire (models also name each field explicitly, so a PascalCase property can never
        /// leak a wrong name); case-insensitive reading; numbers stay numbers.
        /// </summary>
        public static readonly JsonSerializerOptions Options = CreateOptions();

        private static JsonSerializerOptions CreateOptions()
        {
            var options = new JsonSerializerOptions
            {
                PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
                PropertyNameCaseInsensitive = true,
                NumberHandling = JsonNumberHandling.Strict,
                DefaultIgnoreCondition = JsonIgnoreCondition.Never,
                // The API is JSON over HTTP, not HTML: keep names like "qa+prod" readable in bodies and logs.
                Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            };
            return options;
        }
    }
}
