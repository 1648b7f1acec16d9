#Requires -Version 7.0
# New-BasetenEnvironment against the built module and the emulator: the exact body on the wire, the
# hashtable / typed / [pscustomobject] settings forms, input errors raised before sending, API errors,
# -WhatIf / -Confirm, and pipeline binding.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'CmdletTestSupport.psm1') -Force
    Import-BasetenTestModule

    $savedState = Save-BasetenTestState
    Clear-BasetenTestState
    $emu = Start-BasetenTestEmulator
    Connect-BasetenTestEmulator $emu

    $cmdlet = 'Baseten.PowerShell.Cmdlets.NewBasetenEnvironmentCommand'
    $invalidArgument = [System.Management.Automation.ErrorCategory]::InvalidArgument

    # The request body of Baseten's "Create environment" reference page (its curl sample), verbatim.
    $documentedBody = @'
{
  "name": "staging",
  "autoscaling_settings": {
    "autoscaling_window": 800,
    "concurrency_target": 3,
    "max_replica": 2,
    "min_replica": 1,
    "scale_down_delay": 60,
    "target_utilization_percentage": null
  },
  "promotion_settings": {
    "ramp_up_duration_seconds": 600,
    "ramp_up_while_promoting": true,
    "redeploy_on_promotion": true,
    "rolling_deploy": true
  }
}
'@
    $documentedJson = ConvertTo-CanonicalJson (ConvertFrom-LoggedBody $documentedBody)

    # The only POST in the log (waits for it to be logged).
    function Get-OnlyPost {
        $posts = @(Get-EmulatorRequest $emu -Count 1 | Where-Object Method -EQ 'POST')
        $posts.Count | Should -Be 1 -Because 'exactly one create request is expected'
        $posts[0]
    }

    function Get-PostCount {
        @(Get-EmulatorRequest $emu | Where-Object Method -EQ 'POST').Count
    }
}

AfterAll {
    if ($emu) { $emu.Dispose() }
    Restore-BasetenTestState $savedState
}

Describe 'New-BasetenEnvironment: the documented request' -Tag 'Integration' {
    BeforeEach {
        Reset-EmulatorLog $emu
        # A fresh model for each form, so every form creates "staging" and the body stays the documented one.
        $model = $emu.AddModel('doc-model')
    }

    It 'puts exactly the documented body on the wire with <Form> settings' -ForEach @(
        @{
            Form = 'snake_case hashtable'
            Autoscaling = { @{ autoscaling_window = 800; concurrency_target = 3; max_replica = 2; min_replica = 1; scale_down_delay = 60; target_utilization_percentage = $null } }
            Promotion = { @{ ramp_up_duration_seconds = 600; ramp_up_while_promoting = $true; redeploy_on_promotion = $true; rolling_deploy = $true } }
        }
        @{
            Form = 'PascalCase hashtable'
            Autoscaling = { @{ AutoscalingWindow = 800; ConcurrencyTarget = 3; MaxReplica = 2; MinReplica = 1; ScaleDownDelay = 60; TargetUtilizationPercentage = $null } }
            Promotion = { @{ RampUpDurationSeconds = 600; RampUpWhilePromoting = $true; RedeployOnPromotion = $true; RollingDeploy = $true } }
        }
        @{
            Form = 'mixed-case hashtable'
            Autoscaling = { @{ AUTOSCALING_WINDOW = 800; concurrencyTarget = 3; Max_Replica = 2; minreplica = 1; SCALEDOWNDELAY = 60; Target_Utilization_Percentage = $null } }
            Promotion = { @{ RAMP_UP_DURATION_SECONDS = 600; rampUpWhilePromoting = $true; Redeploy_On_Promotion = $true; ROLLINGDEPLOY = $true } }
        }
        @{
            Form = 'ordered dictionary'
            Autoscaling = { [ordered]@{ autoscaling_window = 800; concurrency_target = 3; max_replica = 2; min_replica = 1; scale_down_delay = 60; target_utilization_percentage = $null } }
            Promotion = { [ordered]@{ ramp_up_duration_seconds = 600; ramp_up_while_promoting = $true; redeploy_on_promotion = $true; rolling_deploy = $true } }
        }
        @{
            Form = 'typed object (hashtable cast)'
            Autoscaling = { [Baseten.Core.Models.UpdateAutoscalingSettingsV1]@{ AutoscalingWindow = 800; ConcurrencyTarget = 3; MaxReplica = 2; MinReplica = 1; ScaleDownDelay = 60; TargetUtilizationPercentage = $null } }
            Promotion = { [Baseten.Core.Models.UpdatePromotionSettingsV1]@{ RampUpDurationSeconds = 600; RampUpWhilePromoting = $true; RedeployOnPromotion = $true; RollingDeploy = $true } }
        }
        @{
            Form = 'typed object (New-Object and property sets)'
            Autoscaling = {
                $a = New-Object Baseten.Core.Models.UpdateAutoscalingSettingsV1
                $a.AutoscalingWindow = 800; $a.ConcurrencyTarget = 3; $a.MaxReplica = 2; $a.MinReplica = 1; $a.ScaleDownDelay = 60
                $a.TargetUtilizationPercentage = $null
                $a
            }
            Promotion = {
                $p = New-Object Baseten.Core.Models.UpdatePromotionSettingsV1
                $p.RampUpDurationSeconds = 600; $p.RampUpWhilePromoting = $true; $p.RedeployOnPromotion = $true; $p.RollingDeploy = $true
                $p
            }
        }
        @{
            Form = '[pscustomobject]'
            Autoscaling = { [pscustomobject]@{ autoscaling_window = 800; concurrency_target = 3; max_replica = 2; min_replica = 1; scale_down_delay = 60; target_utilization_percentage = $null } }
            Promotion = { [pscustomobject]@{ ramp_up_duration_seconds = 600; ramp_up_while_promoting = $true; redeploy_on_promotion = $true; rolling_deploy = $true } }
        }
    ) {
        $environment = New-BasetenEnvironment -ModelId $model.Id -Name staging -AutoscalingSettings (& $Autoscaling) -PromotionSettings (& $Promotion)

        $request = Get-OnlyPost
        $sent = ConvertFrom-LoggedBody $request.Body
        ConvertTo-CanonicalJson $sent | Should -BeExactly $documentedJson

        # Spelled out, so a failure says which part differs.
        $sent.Keys | Sort-Object | Should -Be @('autoscaling_settings', 'name', 'promotion_settings')
        $sent.autoscaling_settings.Contains('target_utilization_percentage') | Should -BeTrue
        $sent.autoscaling_settings.target_utilization_percentage | Should -BeNullOrEmpty
        $sent.autoscaling_settings.Keys | Sort-Object |
            Should -Be @('autoscaling_window', 'concurrency_target', 'max_replica', 'min_replica', 'scale_down_delay', 'target_utilization_percentage')
        $sent.promotion_settings.Keys | Sort-Object |
            Should -Be @('ramp_up_duration_seconds', 'ramp_up_while_promoting', 'redeploy_on_promotion', 'rolling_deploy')

        $request.StatusCode | Should -Be 200
        $environment | Should -Not -BeNullOrEmpty
    }

    It 'sends POST /v1/models/<id>/environments with Api-Key auth, a JSON body and a User-Agent naming the module and PowerShell' {
        $null = New-BasetenEnvironment -ModelId $model.Id -Name staging -AutoscalingSettings @{ min_replica = 1 }

        $request = Get-OnlyPost
        $request.Method | Should -BeExactly 'POST'
        $request.Path | Should -BeExactly "/v1/models/$($model.Id)/environments"
        $request.Query | Should -BeNullOrEmpty
        $request.AuthorizationScheme | Should -BeExactly 'Api-Key'
        $request.ContentType | Should -BeLike 'application/json*'
        $request.UserAgent | Should -Match '^Baseten\.PowerShell/\S+ PowerShell/7\.'
        $request.UserAgent | Should -BeLike "* PowerShell/$($PSVersionTable.PSVersion)*"
    }

    It 'returns the EnvironmentV1 the API reports, with the settings of the body' {
        $environment = New-BasetenEnvironment -ModelId $model.Id -Name staging -AutoscalingSettings @{
            autoscaling_window = 800; concurrency_target = 3; max_replica = 2; min_replica = 1
            scale_down_delay = 60; target_utilization_percentage = $null
        } -PromotionSettings @{
            ramp_up_duration_seconds = 600; ramp_up_while_promoting = $true
            redeploy_on_promotion = $true; rolling_deploy = $true
        }

        @($environment).Count | Should -Be 1
        $environment | Should -BeOfType ([Baseten.Core.Models.EnvironmentV1])
        $environment.Name | Should -BeExactly 'staging'
        $environment.ModelId | Should -BeExactly $model.Id
        $environment.CreatedAt | Should -BeOfType ([System.DateTimeOffset])
        $environment.CurrentDeployment | Should -BeNullOrEmpty

        $environment.AutoscalingSettings.AutoscalingWindow | Should -Be 800
        $environment.AutoscalingSettings.ConcurrencyTarget | Should -Be 3
        $environment.AutoscalingSettings.MaxReplica | Should -Be 2
        $environment.AutoscalingSettings.MinReplica | Should -Be 1
        $environment.AutoscalingSettings.ScaleDownDelay | Should -Be 60

        $environment.PromotionSettings.RampUpDurationSeconds | Should -Be 600
        $environment.PromotionSettings.RampUpWhilePromoting | Should -BeTrue
        $environment.PromotionSettings.RedeployOnPromotion | Should -BeTrue
        $environment.PromotionSettings.RollingDeploy | Should -BeTrue
    }
}

Describe 'New-BasetenEnvironment: only the keys given are sent' -Tag 'Integration' {
    BeforeAll { $model = $emu.AddModel('partial-model') }
    BeforeEach { Reset-EmulatorLog $emu }

    It 'sends just the name when no settings are given' {
        $null = New-BasetenEnvironment -ModelId $model.Id -Name 'bare'
        ConvertTo-CanonicalJson (ConvertFrom-LoggedBody (Get-OnlyPost).Body) | Should -BeExactly '{"name":"bare"}'
    }

    It 'a hashtable with one key sends one key' {
        $null = New-BasetenEnvironment -ModelId $model.Id -Name 'one-key' -AutoscalingSettings @{ min_replica = 0 }
        ConvertTo-CanonicalJson (ConvertFrom-LoggedBody (Get-OnlyPost).Body) |
            Should -BeExactly '{"autoscaling_settings":{"min_replica":0},"name":"one-key"}'
    }

    It 'a typed object with one property set sends one key' {
        $settings = [Baseten.Core.Models.UpdateAutoscalingSettingsV1]@{ MaxReplica = 2 }
        $environment = New-BasetenEnvironment -ModelId $model.Id -Name 'typed-one' -AutoscalingSettings $settings
        ConvertTo-CanonicalJson (ConvertFrom-LoggedBody (Get-OnlyPost).Body) |
            Should -BeExactly '{"autoscaling_settings":{"max_replica":2},"name":"typed-one"}'
        $environment.AutoscalingSettings.MaxReplica | Should -Be 2
    }

    It 'a key set to $null is sent as null' {
        $null = New-BasetenEnvironment -ModelId $model.Id -Name 'null-key' -PromotionSettings @{ rolling_deploy = $null }
        ConvertTo-CanonicalJson (ConvertFrom-LoggedBody (Get-OnlyPost).Body) |
            Should -BeExactly '{"name":"null-key","promotion_settings":{"rolling_deploy":null}}'
    }

    It 'sends nested promotion settings and a backpressure policy (help example 6)' {
        $environment = New-BasetenEnvironment -ModelId $model.Id -Name 'rolling' -PromotionSettings @{
            rolling_deploy        = $true
            rolling_deploy_config = @{ rolling_deploy_strategy = 'REPLICA'; max_surge_percent = 25; max_unavailable_percent = 0 }
        } -RequestBackpressureSettings @{ policy = 'QUEUE_ON_FULL' }

        $expected = ConvertTo-CanonicalJson @{
            name                          = 'rolling'
            promotion_settings            = @{
                rolling_deploy        = $true
                rolling_deploy_config = @{ rolling_deploy_strategy = 'REPLICA'; max_surge_percent = 25; max_unavailable_percent = 0 }
            }
            request_backpressure_settings = @{ policy = 'QUEUE_ON_FULL' }
        }
        ConvertTo-CanonicalJson (ConvertFrom-LoggedBody (Get-OnlyPost).Body) | Should -BeExactly $expected
        [string]$environment.RequestBackpressureSettings.Policy | Should -BeExactly 'QUEUE_ON_FULL'
    }

    It 'sends policy = $null as an explicit null (it clears the policy)' {
        $null = New-BasetenEnvironment -ModelId $model.Id -Name 'no-policy' -RequestBackpressureSettings @{ policy = $null }
        ConvertTo-CanonicalJson (ConvertFrom-LoggedBody (Get-OnlyPost).Body) |
            Should -BeExactly '{"name":"no-policy","request_backpressure_settings":{"policy":null}}'
    }

    It 'accepts enum values in any letter case and sends the API spelling' {
        $null = New-BasetenEnvironment -ModelId $model.Id -Name 'cleanup' -PromotionSettings @{ PromotionCleanupStrategy = 'scale_to_zero' }
        ConvertTo-CanonicalJson (ConvertFrom-LoggedBody (Get-OnlyPost).Body) |
            Should -BeExactly '{"name":"cleanup","promotion_settings":{"promotion_cleanup_strategy":"SCALE_TO_ZERO"}}'
    }

    It 'sends whole-number doubles (2.0) as integers' {
        $null = New-BasetenEnvironment -ModelId $model.Id -Name 'whole' -AutoscalingSettings @{ max_replica = 2.0 }
        (Get-OnlyPost).Body | Should -BeExactly '{"name":"whole","autoscaling_settings":{"max_replica":2}}'
    }
}

Describe 'New-BasetenEnvironment: settings refused before anything is sent' -Tag 'Integration' {
    BeforeAll { $model = $emu.AddModel('invalid-model') }
    BeforeEach { Reset-EmulatorLog $emu }

    It 'an unknown key (max_replicas) is InvalidAutoscalingSettings, names the key and the accepted keys, suggests max_replica, and sends nothing' {
        $settings = @{ max_replicas = 2 }
        $output = New-BasetenEnvironment -ModelId $model.Id -Name staging -AutoscalingSettings $settings -ErrorVariable errors -ErrorAction SilentlyContinue

        $output | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $err = $errors[0]
        $err.FullyQualifiedErrorId | Should -BeExactly "InvalidAutoscalingSettings,$cmdlet"
        $err.CategoryInfo.Category | Should -Be $invalidArgument
        [object]::ReferenceEquals($err.TargetObject, $settings) | Should -BeTrue -Because 'the TargetObject is the hashtable given'
        $message = $err.Exception.Message
        $message | Should -BeLike "*'max_replicas'*"
        $message | Should -BeLike "*Did you mean 'max_replica'*"
        foreach ($accepted in 'min_replica', 'max_replica', 'autoscaling_window', 'scale_down_delay', 'concurrency_target', 'target_utilization_percentage') {
            $message | Should -BeLike "*$accepted*"
        }
        $message | Should -BeLike '*Accepted keys*'
        $err.ToString() | Should -BeLike "*max_replicas*"
        Get-PostCount | Should -Be 0
    }

    It 'a value of the wrong type (<Value>) is InvalidAutoscalingSettings naming the key, and sends nothing' -ForEach @(
        @{ Value = 'two'; Shown = "*'two'*" }
        @{ Value = 2.5; Shown = '*2.5*' }
        @{ Value = $true; Shown = '*True*' }
    ) {
        $settings = @{ max_replica = $Value }
        $null = New-BasetenEnvironment -ModelId $model.Id -Name staging -AutoscalingSettings $settings -ErrorVariable errors -ErrorAction SilentlyContinue

        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "InvalidAutoscalingSettings,$cmdlet"
        $errors[0].CategoryInfo.Category | Should -Be $invalidArgument
        [object]::ReferenceEquals($errors[0].TargetObject, $settings) | Should -BeTrue
        $errors[0].Exception.Message | Should -BeLike '*max_replica*'
        $errors[0].Exception.Message | Should -BeLike '*integer*'
        $errors[0].Exception.Message | Should -BeLike $Shown
        Get-PostCount | Should -Be 0
    }

    It 'a value out of range (max_scale_down_rate = 80) is InvalidAutoscalingSettings' {
        $null = New-BasetenEnvironment -ModelId $model.Id -Name staging -AutoscalingSettings @{ max_scale_down_rate = 80 } -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "InvalidAutoscalingSettings,$cmdlet"
        $errors[0].Exception.Message | Should -BeLike '*max_scale_down_rate*'
        Get-PostCount | Should -Be 0
    }

    It 'the same setting given twice (max_replica and MaxReplica) is refused' {
        $null = New-BasetenEnvironment -ModelId $model.Id -Name staging -AutoscalingSettings @{ max_replica = 1; MaxReplica = 2 } -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "InvalidAutoscalingSettings,$cmdlet"
        $errors[0].Exception.Message | Should -BeLike '*twice*'
        Get-PostCount | Should -Be 0
    }

    It 'an unknown key in a [pscustomobject] is refused too' {
        $settings = [pscustomobject]@{ max_replicas = 2 }
        $null = New-BasetenEnvironment -ModelId $model.Id -Name staging -AutoscalingSettings $settings -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "InvalidAutoscalingSettings,$cmdlet"
        $errors[0].Exception.Message | Should -BeLike "*max_replicas*"
        Get-PostCount | Should -Be 0
    }

    It 'a settings value that is not a hashtable (a string) is refused' {
        $null = New-BasetenEnvironment -ModelId $model.Id -Name staging -AutoscalingSettings 'max_replica=2' -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "InvalidAutoscalingSettings,$cmdlet"
        $errors[0].Exception.Message | Should -BeLike '*hashtable*'
        Get-PostCount | Should -Be 0
    }

    It 'a bad promotion enum value is InvalidPromotionSettings naming the key and the accepted values' {
        $settings = @{ promotion_cleanup_strategy = 'NUKE' }
        $null = New-BasetenEnvironment -ModelId $model.Id -Name staging -PromotionSettings $settings -ErrorVariable errors -ErrorAction SilentlyContinue

        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "InvalidPromotionSettings,$cmdlet"
        $errors[0].CategoryInfo.Category | Should -Be $invalidArgument
        [object]::ReferenceEquals($errors[0].TargetObject, $settings) | Should -BeTrue
        $errors[0].Exception.Message | Should -BeLike '*promotion_cleanup_strategy*'
        $errors[0].Exception.Message | Should -BeLike '*SCALE_TO_ZERO*'
        $errors[0].Exception.Message | Should -BeLike "*'NUKE'*"
        Get-PostCount | Should -Be 0
    }

    It 'a wrong type inside nested rolling_deploy_config is InvalidPromotionSettings with the full key path' {
        $null = New-BasetenEnvironment -ModelId $model.Id -Name staging -PromotionSettings @{ rolling_deploy_config = @{ max_surge_percent = 'lots' } } -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "InvalidPromotionSettings,$cmdlet"
        $errors[0].Exception.Message | Should -BeLike '*rolling_deploy_config.max_surge_percent*'
        Get-PostCount | Should -Be 0
    }

    It 'a bad backpressure policy is InvalidRequestBackpressureSettings' {
        $settings = @{ policy = 'DROP_EVERYTHING' }
        $null = New-BasetenEnvironment -ModelId $model.Id -Name staging -RequestBackpressureSettings $settings -ErrorVariable errors -ErrorAction SilentlyContinue

        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "InvalidRequestBackpressureSettings,$cmdlet"
        $errors[0].CategoryInfo.Category | Should -Be $invalidArgument
        [object]::ReferenceEquals($errors[0].TargetObject, $settings) | Should -BeTrue
        $errors[0].Exception.Message | Should -BeLike '*policy*'
        $errors[0].Exception.Message | Should -BeLike '*QUEUE_ON_FULL*'
        Get-PostCount | Should -Be 0
    }

    It 'bad settings are reported under -WhatIf too, and nothing is sent' {
        $null = New-BasetenEnvironment -ModelId $model.Id -Name staging -AutoscalingSettings @{ max_replicas = 2 } -WhatIf -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "InvalidAutoscalingSettings,$cmdlet"
        @(Get-EmulatorRequest $emu) | Should -BeNullOrEmpty
    }

    It 'bad settings are reported once per pipeline item, and nothing is sent' {
        $modelIds = $model.Id, $model.Id, $model.Id
        $null = $modelIds | New-BasetenEnvironment -Name staging -AutoscalingSettings @{ max_replicas = 2 } -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 3
        $errors.FullyQualifiedErrorId | Should -Be (@("InvalidAutoscalingSettings,$cmdlet") * 3)
        Get-PostCount | Should -Be 0
    }

    It '"<Name>" is ReservedEnvironmentName (InvalidArgument), and nothing is sent' -ForEach @(
        @{ Name = 'production' }
        @{ Name = 'Production' }
    ) {
        $output = New-BasetenEnvironment -ModelId $model.Id -Name $Name -ErrorVariable errors -ErrorAction SilentlyContinue
        $output | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "ReservedEnvironmentName,$cmdlet"
        $errors[0].CategoryInfo.Category | Should -Be $invalidArgument
        $errors[0].TargetObject | Should -BeExactly $Name
        $errors[0].Exception.Message | Should -BeLike '*reserved*'
        @(Get-EmulatorRequest $emu) | Should -BeNullOrEmpty
    }
}

Describe 'New-BasetenEnvironment: errors from the API' -Tag 'Integration' {
    BeforeAll { $model = $emu.AddModel('api-error-model') }
    BeforeEach { Reset-EmulatorLog $emu }

    It 'a duplicate name is EnvironmentAlreadyExists (ResourceExists) with the API message' {
        $null = New-BasetenEnvironment -ModelId $model.Id -Name 'dup'
        $output = New-BasetenEnvironment -ModelId $model.Id -Name 'dup' -ErrorVariable errors -ErrorAction SilentlyContinue

        $output | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $err = $errors[0]
        $err.FullyQualifiedErrorId | Should -BeExactly "EnvironmentAlreadyExists,$cmdlet"
        $err.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ResourceExists)
        $err.TargetObject | Should -BeExactly 'dup'
        $err.ErrorDetails.Message | Should -BeExactly "Environment 'dup' already exists for model $($model.Id)"
        $err.Exception | Should -BeOfType ([Baseten.Core.Http.BasetenApiException])
        $err.Exception.StatusCode | Should -Be 409

        $posts = @(Get-EmulatorRequest $emu -Count 2 | Where-Object Method -EQ 'POST')
        $posts.StatusCode | Should -Be @(200, 409)
    }

    It 'an unknown model is ModelNotFound (ObjectNotFound) with the model id as TargetObject' {
        $output = New-BasetenEnvironment -ModelId 'nosuchmd' -Name staging -ErrorVariable errors -ErrorAction SilentlyContinue

        $output | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $err = $errors[0]
        $err.FullyQualifiedErrorId | Should -BeExactly "ModelNotFound,$cmdlet"
        $err.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
        $err.TargetObject | Should -BeExactly 'nosuchmd'
        $err.ErrorDetails.Message | Should -BeExactly 'Model nosuchmd not found'
        $err.Exception.StatusCode | Should -Be 404
    }

    It 'the error id lets a script tell "already exists" apart (help example 7)' {
        $null = New-BasetenEnvironment -ModelId $model.Id -Name 'exists'
        $environment = New-BasetenEnvironment -ModelId $model.Id -Name 'exists' -ErrorAction SilentlyContinue -ErrorVariable createError
        if ($createError -and $createError[0].FullyQualifiedErrorId -like 'EnvironmentAlreadyExists,*') {
            $environment = Get-BasetenEnvironment -ModelId $model.Id -Name 'exists'
        }
        $environment.Name | Should -BeExactly 'exists'
    }
}

Describe 'New-BasetenEnvironment: -WhatIf and -Confirm' -Tag 'Integration' {
    BeforeAll { $model = $emu.AddModel('whatif-model') }
    BeforeEach { Reset-EmulatorLog $emu }

    It '-WhatIf sends nothing, outputs nothing and writes no error' {
        $output = New-BasetenEnvironment -ModelId $model.Id -Name 'whatif' -AutoscalingSettings @{ min_replica = 1 } -WhatIf -ErrorVariable errors
        $output | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
        @(Get-EmulatorRequest $emu) | Should -BeNullOrEmpty
        (Get-BasetenEnvironment -ModelId $model.Id).Name | Should -Not -Contain 'whatif'
    }

    It '-WhatIf goes through every item of a 3-item pipeline, sending nothing and writing no error' {
        $items = 1..3 | ForEach-Object { [pscustomobject]@{ ModelId = $model.Id; Name = "whatif-$_" } }
        $output = $items | New-BasetenEnvironment -WhatIf -ErrorVariable errors
        $output | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
        @(Get-EmulatorRequest $emu) | Should -BeNullOrEmpty
    }

    It '-WhatIf sends nothing even for a model that does not exist (no lookups either)' {
        $output = 'nosuch01', 'nosuch02', 'nosuch03' | New-BasetenEnvironment -Name staging -WhatIf -ErrorVariable errors
        $output | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
        @(Get-EmulatorRequest $emu) | Should -BeNullOrEmpty
    }

    It '-Confirm:$false creates the environment' {
        $environment = New-BasetenEnvironment -ModelId $model.Id -Name 'confirmed' -Confirm:$false
        $environment.Name | Should -BeExactly 'confirmed'
        @(Get-EmulatorRequest $emu -Count 1 | Where-Object Method -EQ 'POST').Count | Should -Be 1
    }

    It '-WhatIf:$false creates the environment' {
        $environment = New-BasetenEnvironment -ModelId $model.Id -Name 'not-whatif' -WhatIf:$false
        $environment.Name | Should -BeExactly 'not-whatif'
    }
}

Describe 'New-BasetenEnvironment: pipeline input' -Tag 'Integration' {
    BeforeEach {
        Reset-EmulatorLog $emu
        $modelA = $emu.AddModel('pipe-a')
        $modelB = $emu.AddModel('pipe-b')
    }

    It 'binds model id strings by value' {
        $environments = $modelA.Id, $modelB.Id | New-BasetenEnvironment -Name staging
        $environments.Count | Should -Be 2
        $environments.ModelId | Should -Be @($modelA.Id, $modelB.Id)
        $environments.Name | Should -Be @('staging', 'staging')

        $posts = @(Get-EmulatorRequest $emu -Count 2 | Where-Object Method -EQ 'POST')
        $posts.Path | Should -Be @("/v1/models/$($modelA.Id)/environments", "/v1/models/$($modelB.Id)/environments")
    }

    It 'binds ModelId and Name by property name from [pscustomobject]' {
        $rows = @(
            [pscustomobject]@{ ModelId = $modelA.Id; Name = 'staging' }
            [pscustomobject]@{ ModelId = $modelA.Id; Name = 'canary' }
            [pscustomobject]@{ ModelId = $modelB.Id; Name = 'staging' }
        )
        $environments = $rows | New-BasetenEnvironment
        ($environments | ForEach-Object { "$($_.ModelId)/$($_.Name)" }) |
            Should -Be @("$($modelA.Id)/staging", "$($modelA.Id)/canary", "$($modelB.Id)/staging")
    }

    It 'binds EnvironmentName as an alias of Name' {
        $environment = [pscustomobject]@{ ModelId = $modelA.Id; EnvironmentName = 'aliased' } | New-BasetenEnvironment
        $environment.Name | Should -BeExactly 'aliased'
    }

    It 'binds rows of a CSV file (Import-Csv); a bad row writes an error and the others still run' {
        $csv = Join-Path ([System.IO.Path]::GetTempPath()) ("baseten-envs-{0}.csv" -f [guid]::NewGuid().ToString('N'))
        try {
            @(
                'ModelId,Name'
                "$($modelA.Id),staging"
                'nosuchmd,staging'
                "$($modelA.Id),canary"
                "$($modelB.Id),staging"
            ) | Set-Content -LiteralPath $csv -Encoding utf8

            $environments = Import-Csv -LiteralPath $csv | New-BasetenEnvironment -ErrorVariable errors -ErrorAction SilentlyContinue

            ($environments | ForEach-Object { "$($_.ModelId)/$($_.Name)" }) |
                Should -Be @("$($modelA.Id)/staging", "$($modelA.Id)/canary", "$($modelB.Id)/staging")
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -BeExactly "ModelNotFound,$cmdlet"
            $errors[0].TargetObject | Should -BeExactly 'nosuchmd'
        }
        finally {
            Remove-Item -LiteralPath $csv -ErrorAction SilentlyContinue
        }
    }

    It 'binds a model-like object''s Id to -ModelId, with -Name given' {
        $environment = [pscustomobject]@{ Id = $modelA.Id } | New-BasetenEnvironment -Name 'from-id'
        $environment.ModelId | Should -BeExactly $modelA.Id
        $environment.Name | Should -BeExactly 'from-id'
        (@(Get-EmulatorRequest $emu -Count 1 | Where-Object Method -EQ 'POST'))[0].Path | Should -BeExactly "/v1/models/$($modelA.Id)/environments"
    }

    It 'one bad item does not stop the others (the error is non-terminating)' {
        $environments = $modelA.Id, 'nosuchmd', $modelB.Id | New-BasetenEnvironment -Name staging -ErrorVariable errors -ErrorAction SilentlyContinue
        $environments.ModelId | Should -Be @($modelA.Id, $modelB.Id)
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "ModelNotFound,$cmdlet"
        $errors[0].TargetObject | Should -BeExactly 'nosuchmd'
    }

    It 'a duplicate in the middle of a pipeline does not stop the others' {
        $environments = 'one', 'one', 'two' | ForEach-Object { [pscustomobject]@{ ModelId = $modelA.Id; Name = $_ } } |
            New-BasetenEnvironment -ErrorVariable errors -ErrorAction SilentlyContinue
        $environments.Name | Should -Be @('one', 'two')
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "EnvironmentAlreadyExists,$cmdlet"
        $errors[0].TargetObject | Should -BeExactly 'one'
    }

    It 'New-BasetenEnvironment | Get-BasetenEnvironment returns the same environment' {
        $created = New-BasetenEnvironment -ModelId $modelA.Id -Name 'round-trip' -AutoscalingSettings @{ max_replica = 3 }
        $fetched = New-BasetenEnvironment -ModelId $modelB.Id -Name 'round-trip' -AutoscalingSettings @{ max_replica = 4 } | Get-BasetenEnvironment

        @($fetched).Count | Should -Be 1
        $fetched | Should -BeOfType ([Baseten.Core.Models.EnvironmentV1])
        $fetched.ModelId | Should -BeExactly $modelB.Id
        $fetched.Name | Should -BeExactly 'round-trip'
        $fetched.AutoscalingSettings.MaxReplica | Should -Be 4

        $again = $created | Get-BasetenEnvironment
        $again.ModelId | Should -BeExactly $created.ModelId
        $again.Name | Should -BeExactly $created.Name
        $again.CreatedAt | Should -Be $created.CreatedAt
        $again.AutoscalingSettings.MaxReplica | Should -Be 3

        $gets = @(Get-EmulatorRequest $emu -Count 4 | Where-Object Method -EQ 'GET')
        $gets.Path | Should -Contain "/v1/models/$($modelB.Id)/environments/round-trip"
    }

    # The settings parameters bind by property name too, so the environment's reported settings travel with it.
    It 'binds ModelId and Name from an EnvironmentV1 on the pipeline (copy an environment to another model)' {
        $source = New-BasetenEnvironment -ModelId $modelA.Id -Name 'copied'
        $copy = $source | New-BasetenEnvironment -ModelId $modelB.Id -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors | Should -BeNullOrEmpty
        $copy.ModelId | Should -BeExactly $modelB.Id
        $copy.Name | Should -BeExactly 'copied'
        $copy.AutoscalingSettings.MaxReplica | Should -Be $source.AutoscalingSettings.MaxReplica
        $copy.PromotionSettings.RampUpDurationSeconds | Should -Be $source.PromotionSettings.RampUpDurationSeconds
    }
}
