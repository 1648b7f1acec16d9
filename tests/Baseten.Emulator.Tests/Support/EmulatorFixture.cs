using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Baseten.Emulator;

namespace Baseten.Emulator.Tests.Support
{
    /// <summary>
    /// One emulator with one seeded model and an HttpClient that sends the full-access key, per test:
    /// starting is cheap, and separate instances keep tests independent when xunit runs them in parallel.
    /// </summary>
    public sealed class EmulatorFixture : IDisposable
    {
        public EmulatorFixture(EmulatorOptions options = null)
        {
            Emulator = options == null ? BasetenEmulator.Start() : BasetenEmulator.Start(options);
            Model = Emulator.AddModel("my-llm");
            Client = NewClient("Api-Key", Emulator.ApiKey);
        }

        public BasetenEmulator Emulator { get; }

        public EmulatedModel Model { get; }

        public HttpClient Client { get; }

        public string EnvironmentsPath => "v1/models/" + Model.Id + "/environments";

        /// <summary>A client with the given Authorization header (scheme null: no header at all).</summary>
        public HttpClient NewClient(string scheme, string key)
        {
            var client = new HttpClient { BaseAddress = Emulator.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
            if (scheme != null)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, key);
            }

            return client;
        }

        public Task<HttpResponseMessage> SendAsync(string method, string path, string json = null, HttpClient client = null)
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (json != null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }

            return (client ?? Client).SendAsync(request);
        }

        /// <summary>Sends and returns status and parsed body (the body must be JSON: every emulator answer is).</summary>
        public async Task<(int Status, JsonElement Body)> CallAsync(string method, string path, string json = null, HttpClient client = null)
        {
            using var response = await SendAsync(method, path, json, client);
            var text = await response.Content.ReadAsStringAsync();
            using var document = JsonDocument.Parse(text);
            return ((int)response.StatusCode, document.RootElement.Clone());
        }

        public Task<(int Status, JsonElement Body)> CreateEnvironmentAsync(string json) => CallAsync("POST", EnvironmentsPath, json);

        public void Dispose()
        {
            Client.Dispose();
            Emulator.Dispose();
        }
    }
}
