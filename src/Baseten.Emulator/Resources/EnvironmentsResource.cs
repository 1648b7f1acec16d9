using System;
using System.Linq;
using System.Text.Json.Nodes;
using Baseten.Emulator.Server;
using Baseten.Emulator.State;
using Baseten.Emulator.Validation;

namespace Baseten.Emulator.Resources
{
    /// <summary>
    /// /v1/models/{model_id}/environments: list, create, get, update (PATCH), delete. Bodies arrive
    /// already validated against <see cref="RequestSchemas"/>; this class enforces the business rules.
    /// </summary>
    internal static class EnvironmentsResource
    {
        private const string Collection = "/v1/models/{model_id}/environments";
        private const string Item = Collection + "/{env_name}";

        public static void Register(Router router)
        {
            router.Add("GET", Collection, List);
            router.Add("POST", Collection, RequestSchemas.CreateEnvironment, Create);
            router.Add("GET", Item, Get);
            router.Add("PATCH", Item, RequestSchemas.UpdateEnvironment, Update);
            router.Add("DELETE", Item, Delete);
        }

        private static ApiResponse List(RequestContext context)
        {
            lock (context.Store.Sync)
            {
                var model = context.Store.FindModel(context["model_id"]);
                if (model == null)
                {
                    return NotFound.Model(context["model_id"]);
                }

                var environments = model.Environments.Select(e => (JsonNode)ApiShapes.Environment(model, e));
                return ApiResponse.Ok(new JsonObject { ["environments"] = new JsonArray(environments.ToArray()) });
            }
        }

        private static ApiResponse Create(RequestContext context)
        {
            var body = context.Body;
            var name = (string)body["name"];
            lock (context.Store.Sync)
            {
                var model = context.Store.FindModel(context["model_id"]);
                if (model == null)
                {
                    return NotFound.Model(context["model_id"]);
                }

                // Checked before duplicates: every model already has "production", and the reason matters.
                if (string.Equals(name, ModelRecord.ProductionEnvironment, StringComparison.OrdinalIgnoreCase))
                {
                    return ApiResponse.Error(400, "Environment name '" + name + "' is reserved and cannot be created");
                }

                if (model.FindEnvironment(name) != null)
                {
                    return ApiResponse.Error(409, "Environment '" + name + "' already exists for model " + model.Id);
                }

                var environment = new EnvironmentRecord(name, DateTimeOffset.UtcNow);
                SettingsMerge.Overlay(environment.Autoscaling, body["autoscaling_settings"] as JsonObject);
                SettingsMerge.Overlay(environment.Promotion, body["promotion_settings"] as JsonObject);
                ApplyBackpressure(environment, body);
                model.Environments.Add(environment);
                return ApiResponse.Ok(ApiShapes.Environment(model, environment));
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

                var environment = model.FindEnvironment(context["env_name"]);
                return environment == null
                    ? NotFound.Environment(model.Id, context["env_name"])
                    : ApiResponse.Ok(ApiShapes.Environment(model, environment));
            }
        }

        /// <summary>
        /// Applies the given settings and answers UpdateEnvironmentResponseV1. The real API applies
        /// asynchronously; the emulator applies at once, so the GET that a client polls with already
        /// shows the result.
        /// </summary>
        private static ApiResponse Update(RequestContext context)
        {
            var body = context.Body;
            lock (context.Store.Sync)
            {
                var model = context.Store.FindModel(context["model_id"]);
                if (model == null)
                {
                    return NotFound.Model(context["model_id"]);
                }

                var environment = model.FindEnvironment(context["env_name"]);
                if (environment == null)
                {
                    return NotFound.Environment(model.Id, context["env_name"]);
                }

                var before = ApiShapes.Environment(model, environment).ToJsonString();

                // Schedules are the only part that can be refused, so work on a copy and apply it last:
                // a refused PATCH leaves the environment exactly as it was.
                var schedules = environment.Schedules;
                if (body["autoscaling_schedule_settings"] is JsonObject scheduleUpdate)
                {
                    schedules = schedules.Clone();
                    var rejection = schedules.Apply(scheduleUpdate, context.Store.Ids.Next);
                    if (rejection != null)
                    {
                        return ApiResponse.Error(rejection.StatusCode, rejection.Message);
                    }
                }

                SettingsMerge.Overlay(environment.Autoscaling, body["autoscaling_settings"] as JsonObject);
                SettingsMerge.Overlay(environment.Promotion, body["promotion_settings"] as JsonObject);
                ApplyBackpressure(environment, body);
                environment.Schedules = schedules;

                var after = ApiShapes.Environment(model, environment);
                var changed = !string.Equals(before, after.ToJsonString(), StringComparison.Ordinal);
                return ApiResponse.Ok(new JsonObject
                {
                    ["environment"] = after,
                    ["status"] = changed ? "ACCEPTED" : "UNCHANGED",
                    ["message"] = changed ? "Environment update accepted." : "No changes to apply.",
                });
            }
        }

        /// <summary>"production" cannot be deleted; deleting another scales its deployment to zero.</summary>
        private static ApiResponse Delete(RequestContext context)
        {
            lock (context.Store.Sync)
            {
                var model = context.Store.FindModel(context["model_id"]);
                if (model == null)
                {
                    return NotFound.Model(context["model_id"]);
                }

                var name = context["env_name"];
                if (string.Equals(name, ModelRecord.ProductionEnvironment, StringComparison.Ordinal))
                {
                    return ApiResponse.Error(400, "The production environment cannot be deleted");
                }

                var environment = model.FindEnvironment(name);
                if (environment == null)
                {
                    return NotFound.Environment(model.Id, name);
                }

                model.Environments.Remove(environment);
                if (environment.CurrentDeployment != null)
                {
                    environment.CurrentDeployment.EnvironmentName = null;
                    environment.CurrentDeployment.Status = "SCALED_TO_ZERO";
                    environment.CurrentDeployment.ActiveReplicaCount = 0;
                }

                return ApiResponse.Ok(ApiShapes.EnvironmentTombstone(model, environment));
            }
        }

        /// <summary>
        /// The one exception to "null means unchanged": an explicit "policy": null clears the policy,
        /// so tell an absent key from a null one.
        /// </summary>
        private static void ApplyBackpressure(EnvironmentRecord environment, JsonObject body)
        {
            if (body["request_backpressure_settings"] is JsonObject settings
                && settings.TryGetPropertyValue("policy", out var policy))
            {
                environment.BackpressurePolicy = (string)policy;
            }
        }
    }
}
