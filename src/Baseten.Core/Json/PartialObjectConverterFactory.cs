using System;
using System.Text.Json;
using System.Text.Json.Serialization;
using Baseten.Core.Models;

namespace Baseten.Core.Json
{
    /// <summary>
    /// Writes a <see cref="PartialObject"/> with exactly the fields that were given (explicit nulls included),
    /// in the order the type declares them, so a request body says what the user said and nothing more.
    /// </summary>
    public sealed class PartialObjectConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeof(PartialObject).IsAssignableFrom(typeToConvert);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(PartialObjectConverter<>).MakeGenericType(typeToConvert));

        private sealed class PartialObjectConverter<T> : JsonConverter<T> where T : PartialObject, new()
        {
            public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                if (reader.TokenType == JsonTokenType.Null) return null;
                if (reader.TokenType != JsonTokenType.StartObject)
                    throw new JsonException($"Expected an object for {typeof(T).Name}.");
                var schema = RequestSchema.For(typeof(T));
                var result = new T();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString();
                    reader.Read();
                    var field = schema.FindByJsonName(name)
                        ?? throw new JsonException($"Unknown field '{name}' for {typeof(T).Name}.");
                    field.Property.SetValue(result, JsonSerializer.Deserialize(ref reader, field.Property.PropertyType, options));
                }
                return result;
            }

            public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
            {
                writer.WriteStartObject();
                foreach (var field in RequestSchema.For(typeof(T)).Fields)
                {
                    if (!value.TryGetGiven(field.Property.Name, out var given)) continue;
                    writer.WritePropertyName(field.JsonName);
                    JsonSerializer.Serialize(writer, given, field.Property.PropertyType, options);
                }
                writer.WriteEndObject();
            }
        }
    }
}
