using System;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using Baseten.Core.Settings;

namespace Baseten.PowerShell
{
    /// <summary>
    /// Lets a settings parameter take a hashtable (snake_case or PascalCase keys, any case) or the typed object.
    /// A hashtable the API would refuse does not fail parameter binding (which has one generic ErrorId and no
    /// TargetObject); instead it binds as an empty placeholder remembered with its problem, and the cmdlet reports
    /// it per pipeline item with a specific ErrorId before sending anything (see <see cref="TryGetProblem"/>).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class SettingsTransformationAttribute : ArgumentTransformationAttribute
    {
        private static readonly ConditionalWeakTable<object, SettingsProblem> Problems = new ConditionalWeakTable<object, SettingsProblem>();

        private readonly Type _settingsType;
        private readonly string _settingsName;

        /// <param name="settingsType">The request type, e.g. UpdateAutoscalingSettingsV1.</param>
        /// <param name="settingsName">The API's name for the settings, used in messages: autoscaling_settings.</param>
        public SettingsTransformationAttribute(Type settingsType, string settingsName)
        {
            _settingsType = settingsType;
            _settingsName = settingsName;
        }

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = PowerShellValues.Unwrap(inputData);
            if (value == null || _settingsType.IsInstanceOfType(value)) return value;
            try
            {
                return SettingsConverter.Convert(_settingsType, value, PowerShellValues.Unwrap, _settingsName);
            }
            catch (SettingsConversionException ex)
            {
                var placeholder = Activator.CreateInstance(_settingsType);
                Problems.Add(placeholder, new SettingsProblem(ex, inputData));
                return placeholder;
            }
        }

        /// <summary>True when <paramref name="boundValue"/> is the placeholder for settings that failed to convert.</summary>
        public static bool TryGetProblem(object boundValue, out SettingsProblem problem)
        {
            problem = null;
            return boundValue != null && Problems.TryGetValue(boundValue, out problem);
        }
    }

    /// <summary>Why a settings argument was refused, and what the user gave.</summary>
    internal sealed class SettingsProblem
    {
        public SettingsProblem(SettingsConversionException error, object input)
        {
            Error = error;
            Input = input;
        }

        public SettingsConversionException Error { get; }

        public object Input { get; }
    }
}
