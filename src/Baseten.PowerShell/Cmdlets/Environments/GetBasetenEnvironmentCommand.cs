using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Baseten.Core.Http;
using Baseten.Core.Models;

namespace Baseten.PowerShell.Cmdlets
{
    /// <summary>
    /// <para type="synopsis">Gets a model's environments, or the ones named.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "BasetenEnvironment")]
    [OutputType(typeof(EnvironmentV1))]
    public sealed class GetBasetenEnvironmentCommand : BasetenCmdlet
    {
        private static readonly ApiErrorIds ListErrorIds = new ApiErrorIds(notFound: "ModelNotFound");
        private static readonly ApiErrorIds GetErrorIds = new ApiErrorIds(notFound: "EnvironmentNotFound");

        /// <summary>The model whose environments to get.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true,
            HelpMessage = "The id of the model whose environments to get.")]
        [ValidateNotNullOrEmpty]
        public string ModelId { get; set; }

        /// <summary>Environment names; wildcards filter the model's list.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("EnvironmentName")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; }

        protected override void ProcessRecord()
        {
            if (Name == null || Name.Length == 0)
            {
                WriteList(ModelId, _ => true);
                return;
            }

            var patterns = Name.Where(WildcardPattern.ContainsWildcardCharacters)
                .Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase))
                .ToList();
            if (patterns.Count > 0) WriteList(ModelId, env => patterns.Any(p => p.IsMatch(env.Name)));

            foreach (var name in Name.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
            {
                try
                {
                    WriteObject(Invoke(api => api.Environments.GetAsync(ModelId, name)));
                }
                catch (BasetenException ex)
                {
                    WriteApiError(ex, name, GetErrorIds);
                }
            }
        }

        private void WriteList(string modelId, System.Func<EnvironmentV1, bool> keep)
        {
            IReadOnlyList<EnvironmentV1> environments;
            try
            {
                environments = Invoke(api => api.Environments.ListAsync(modelId));
            }
            catch (BasetenException ex)
            {
                WriteApiError(ex, modelId, ListErrorIds);
                return;
            }
            foreach (var environment in environments.Where(keep)) WriteObject(environment);
        }
    }
}
