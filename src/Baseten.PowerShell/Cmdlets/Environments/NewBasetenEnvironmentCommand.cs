using System;
using System.Management.Automation;
using Baseten.Core.Http;
using Baseten.Core.Models;

namespace Baseten.PowerShell.Cmdlets
{
    /// <summary>
    /// <para type="synopsis">Creates an environment for a model (POST /v1/models/{model_id}/environments).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "BasetenEnvironment", SupportsShouldProcess = true)]
    [OutputType(typeof(EnvironmentV1))]
    public sealed class NewBasetenEnvironmentCommand : BasetenCmdlet
    {
        private static readonly ApiErrorIds ErrorIds = new ApiErrorIds(notFound: "ModelNotFound", conflict: "EnvironmentAlreadyExists");

        /// <summary>The model to add the environment to. Binds from a model object's Id too.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true,
            HelpMessage = "The id of the model to add the environment to.")]
        [Alias("Id")]
        [ValidateNotNullOrEmpty]
        public string ModelId { get; set; }

        /// <summary>The new environment's name.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, HelpMessage = "The new environment's name, e.g. staging.")]
        [Alias("EnvironmentName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        /// <summary>Autoscaling settings: a hashtable or an UpdateAutoscalingSettingsV1.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [SettingsTransformation(typeof(UpdateAutoscalingSettingsV1), "autoscaling_settings")]
        public UpdateAutoscalingSettingsV1 AutoscalingSettings { get; set; }

        /// <summary>Promotion settings: a hashtable or an UpdatePromotionSettingsV1.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [SettingsTransformation(typeof(UpdatePromotionSettingsV1), "promotion_settings")]
        public UpdatePromotionSettingsV1 PromotionSettings { get; set; }

        /// <summary>Request backpressure settings: a hashtable or an UpdateRequestBackpressureSettingsV1.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [SettingsTransformation(typeof(UpdateRequestBackpressureSettingsV1), "request_backpressure_settings")]
        public UpdateRequestBackpressureSettingsV1 RequestBackpressureSettings { get; set; }

        protected override void ProcessRecord()
        {
            var target = $"environment '{Name}' of model '{ModelId}'";
            if (!SettingsAreValid(target)) return;
            if (string.Equals(Name, "production", StringComparison.OrdinalIgnoreCase))
            {
                WriteError(BasetenErrors.InvalidInput(
                    new ArgumentException("'production' is reserved: every model has it, and it cannot be created through the API. Choose another name, such as staging."),
                    "ReservedEnvironmentName", Name));
                return;
            }

            var request = new CreateEnvironmentRequestV1 { Name = Name };
            // Null means "not given": the API's default for each is null, so leaving it out says the same thing.
            if (AutoscalingSettings != null) request.AutoscalingSettings = AutoscalingSettings;
            if (PromotionSettings != null) request.PromotionSettings = PromotionSettings;
            if (RequestBackpressureSettings != null) request.RequestBackpressureSettings = RequestBackpressureSettings;

            if (!ShouldProcess(target, "Create Baseten environment")) return;
            try
            {
                WriteObject(Invoke(api => api.Environments.CreateAsync(ModelId, request)));
            }
            catch (BasetenException ex)
            {
                // A 404 here means the model does not exist: the model id is what was wrong.
                var wrong = ex is BasetenApiException api && api.StatusCode == 404 ? ModelId : Name;
                WriteApiError(ex, wrong, ErrorIds);
            }
        }

        private bool SettingsAreValid(string target)
        {
            return Check(AutoscalingSettings, "InvalidAutoscalingSettings")
                && Check(PromotionSettings, "InvalidPromotionSettings")
                && Check(RequestBackpressureSettings, "InvalidRequestBackpressureSettings");

            bool Check(object bound, string errorId)
            {
                if (!SettingsTransformationAttribute.TryGetProblem(bound, out var problem)) return true;
                var error = new ArgumentException($"Cannot create {target}: {problem.Error.Message} Nothing was sent.", problem.Error);
                WriteError(BasetenErrors.InvalidInput(error, errorId, problem.Input));
                return false;
            }
        }
    }
}
