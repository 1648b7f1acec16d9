using System.Collections;
using System.Management.Automation;
using Baseten.Core.Models;
using Xunit;

namespace Baseten.PowerShell.Tests
{
    public class SettingsTransformationAttributeTests
    {
        private static readonly SettingsTransformationAttribute Autoscaling =
            new SettingsTransformationAttribute(typeof(UpdateAutoscalingSettingsV1), "autoscaling_settings");

        [Fact]
        public void HashtableBecomesTheTypedObject()
        {
            var result = Autoscaling.Transform(null, new Hashtable { ["max_replica"] = PS.Wrap(3) });

            var settings = Assert.IsType<UpdateAutoscalingSettingsV1>(result);
            Assert.Equal(3, settings.MaxReplica);
            Assert.False(settings.IsGiven("MinReplica"));
            Assert.False(SettingsTransformationAttribute.TryGetProblem(result, out var problem));
            Assert.Null(problem);
        }

        [Fact]
        public void WrappedHashtableBecomesTheTypedObject()
        {
            var result = Autoscaling.Transform(null, PS.Wrap(new Hashtable { ["MinReplica"] = 0 }));

            Assert.Equal(0, Assert.IsType<UpdateAutoscalingSettingsV1>(result).MinReplica);
        }

        [Fact]
        public void TypedObjectPassesThrough()
        {
            var typed = new UpdateAutoscalingSettingsV1 { MaxReplica = 1 };

            Assert.Same(typed, Autoscaling.Transform(null, typed));
            Assert.Same(typed, Autoscaling.Transform(null, PS.Wrap(typed)));
            Assert.False(SettingsTransformationAttribute.TryGetProblem(typed, out _));
        }

        [Fact]
        public void NullStaysNull()
        {
            Assert.Null(Autoscaling.Transform(null, null));
            Assert.False(SettingsTransformationAttribute.TryGetProblem(null, out _));
        }

        [Fact]
        public void BadHashtableBindsAsAPlaceholderRememberedWithItsProblem()
        {
            var input = new Hashtable { ["max_replicas"] = 3 };

            var result = Autoscaling.Transform(null, input);

            var placeholder = Assert.IsType<UpdateAutoscalingSettingsV1>(result);
            Assert.Empty(placeholder.GetGivenProperties());
            Assert.True(SettingsTransformationAttribute.TryGetProblem(result, out var problem));
            Assert.Equal("autoscaling_settings.max_replicas", problem.Error.KeyPath);
            Assert.Contains("Did you mean 'max_replica'?", problem.Error.Message);
            Assert.Same(input, problem.Input);
        }

        [Fact]
        public void BadValueProblemNamesTheKeyAndKeepsTheOriginalInput()
        {
            var input = PS.Wrap(new Hashtable { ["max_scale_down_rate"] = PS.Wrap(51) });

            var result = Autoscaling.Transform(null, input);

            Assert.True(SettingsTransformationAttribute.TryGetProblem(result, out var problem));
            Assert.Equal("autoscaling_settings.max_scale_down_rate", problem.Error.KeyPath);
            Assert.Same(input, problem.Input);
        }

        [Fact]
        public void NonDictionaryBindsAsAPlaceholderWithAProblem()
        {
            var result = Autoscaling.Transform(null, "max_replica=3");

            Assert.True(SettingsTransformationAttribute.TryGetProblem(result, out var problem));
            Assert.Equal("autoscaling_settings", problem.Error.KeyPath);
            Assert.Equal("max_replica=3", problem.Input);
        }

        [Fact]
        public void EachBadInputGetsItsOwnPlaceholder()
        {
            var first = Autoscaling.Transform(null, new Hashtable { ["a"] = 1 });
            var second = Autoscaling.Transform(null, new Hashtable { ["b"] = 1 });

            Assert.NotSame(first, second);
            Assert.True(SettingsTransformationAttribute.TryGetProblem(first, out var p1));
            Assert.True(SettingsTransformationAttribute.TryGetProblem(second, out var p2));
            Assert.Equal("autoscaling_settings.a", p1.Error.KeyPath);
            Assert.Equal("autoscaling_settings.b", p2.Error.KeyPath);
        }

        [Fact]
        public void NestedSettingsTransform()
        {
            var promotion = new SettingsTransformationAttribute(typeof(UpdatePromotionSettingsV1), "promotion_settings");

            var bad = promotion.Transform(null, new Hashtable { ["rolling_deploy_config"] = new Hashtable { ["max_surge_percent"] = "x" } });
            var good = promotion.Transform(null, new Hashtable { ["rolling_deploy_config"] = new Hashtable { ["max_surge_percent"] = PS.Wrap(5) } });

            Assert.True(SettingsTransformationAttribute.TryGetProblem(bad, out var problem));
            Assert.Equal("promotion_settings.rolling_deploy_config.max_surge_percent", problem.Error.KeyPath);
            Assert.Equal(5, ((UpdatePromotionSettingsV1)good).RollingDeployConfig.MaxSurgePercent);
        }
    }
}
