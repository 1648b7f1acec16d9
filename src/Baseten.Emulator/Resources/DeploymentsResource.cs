using System;
using System.Linq;
using System.Text.Json.Nodes;
using Baseten.Emulator.Server;

namespace Baseten.Emulator.Resources
{
    /// <summary>/v1/models/{model_id}/deployments: list (with ?name=) and get, where "production" and "development" may replace the id.</summary>
    internal static class DeploymentsResource
    {
        public static void Register(Router router)
        {
            router.Add("GET", "/v1/models/{model_id}/deployments", List);
            router.Add("GET", "/v1/models/{model_id}/deployments/{deployment_id}", Get);
        }

        private static ApiResponse List(RequestContext context)
        {
            context.Request.Query.TryGetValue("name", out var name);
            lock (context.Store.Sync)
            {
                var model = context.Store.FindModel(context["model_id"]);
                if (model == null)
                {
                    return NotFound.Model(context["model_id"]);
                }

                var deployments = model.Deployments
                    .Where(d => name == null || string.Equals(d.Name, name, StringComparison.Ordinal))
                    .Select(d => (JsonNode)ApiShapes.Deployment(model, d));
                return ApiResponse.Ok(new JsonObject { ["deployments"] = new JsonArray(deployments.ToArray()) });
            }
        }

        private static ApiResponse Get(RequestContext context)
        {
            lock (context.Store.Sync)
            {
                var model = context.Store.FindModel(context["model_id"]);
                if (model == null)
                {
                    return NotFound.Model(context["model_id"]);
                }

                var deployment = model.FindDeployment(context["deployment_id"]);
                return deployment == null
                    ? NotFound.Deployment(model.Id, context["deployment_id"])
                    : ApiResponse.Ok(ApiShapes.Deployment(model, deployment));
            }
        }
    }
}
