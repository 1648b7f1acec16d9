using System;
using System.Linq;
using System.Text.Json.Nodes;
using Baseten.Emulator.Server;

namespace Baseten.Emulator.Resources
{
    /// <summary>/v1/models: list (with the exact ?name= filter), get, delete.</summary>
    internal static class ModelsResource
    {
        public static void Register(Router router)
        {
            router.Add("GET", "/v1/models", List);
            router.Add("GET", "/v1/models/{model_id}", Get);
            router.Add("DELETE", "/v1/models/{model_id}", Delete);
        }

        private static ApiResponse List(RequestContext context)
        {
            context.Request.Query.TryGetValue("name", out var name);
            lock (context.Store.Sync)
            {
                var models = context.Store.Models
                    .Where(m => name == null || string.Equals(m.Name, name, StringComparison.Ordinal))
                    .Select(m => (JsonNode)ApiShapes.Model(m));
                return ApiResponse.Ok(new JsonObject { ["models"] = new JsonArray(models.ToArray()) });
            }
        }

        private static ApiResponse Get(RequestContext context)
        {
            lock (context.Store.Sync)
            {
                var model = context.Store.FindModel(context["model_id"]);
                return model == null ? NotFound.Model(context["model_id"]) : ApiResponse.Ok(ApiShapes.Model(model));
            }
        }

        /// <summary>Deleting a model takes its deployments and environments with it.</summary>
        private static ApiResponse Delete(RequestContext context)
        {
            lock (context.Store.Sync)
            {
                var model = context.Store.FindModel(context["model_id"]);
                if (model == null)
                {
                    return NotFound.Model(context["model_id"]);
                }

                context.Store.RemoveModel(model.Id);
                return ApiResponse.Ok(ApiShapes.ModelTombstone(model));
            }
        }
    }
}
