#Requires -Version 7.0
# Get-BasetenEnvironment against the built module and the emulator: list, names, wildcards, not-found errors,
# URL escaping of names, and pipeline binding.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'CmdletTestSupport.psm1') -Force
    Import-BasetenTestModule

    $savedState = Save-BasetenTestState
    Clear-BasetenTestState
    $emu = Start-BasetenTestEmulator
    Connect-BasetenTestEmulator $emu

    $cmdlet = 'Baseten.PowerShell.Cmdlets.GetBasetenEnvironmentCommand'
    $objectNotFound = [System.Management.Automation.ErrorCategory]::ObjectNotFound

    # One model with a few environments, another with only production.
    $model = $emu.AddModel('get-model')
    $otherModel = $emu.AddModel('get-other-model')
    foreach ($name in 'staging', 'staging-eu', 'canary') {
        $null = New-BasetenEnvironment -ModelId $model.Id -Name $name -ErrorAction Stop
    }
}

AfterAll {
    if ($emu) { $emu.Dispose() }
    Restore-BasetenTestState $savedState
}

Describe 'Get-BasetenEnvironment: listing and names' -Tag 'Integration' {
    BeforeEach { Reset-EmulatorLog $emu }

    It 'lists every environment of the model, production included, in one request' {
        $environments = Get-BasetenEnvironment -ModelId $model.Id

        $environments | Should -BeOfType ([Baseten.Core.Models.EnvironmentV1])
        $environments.Name | Should -Be @('production', 'staging', 'staging-eu', 'canary')
        $environments.ModelId | Select-Object -Unique | Should -BeExactly $model.Id

        $production = $environments | Where-Object Name -EQ 'production'
        $production.CurrentDeployment | Should -Not -BeNullOrEmpty
        $production.CurrentDeployment.Id | Should -BeExactly $model.ProductionDeploymentId

        $log = @(Get-EmulatorRequest $emu -Count 1)
        $log.Count | Should -Be 1
        $log[0].Method | Should -BeExactly 'GET'
        $log[0].Path | Should -BeExactly "/v1/models/$($model.Id)/environments"
        $log[0].AuthorizationScheme | Should -BeExactly 'Api-Key'
        $log[0].UserAgent | Should -Match '^Baseten\.PowerShell/\S+ PowerShell/7\.'
        $log[0].Body | Should -BeNullOrEmpty
    }

    It 'lists only production for a model with no other environment' {
        (Get-BasetenEnvironment -ModelId $otherModel.Id).Name | Should -BeExactly 'production'
    }

    It 'takes -ModelId and -Name by position' {
        $environment = Get-BasetenEnvironment $model.Id staging
        $environment.Name | Should -BeExactly 'staging'
        $environment.ModelId | Should -BeExactly $model.Id
    }

    It 'gets one environment by name with GET .../environments/{name}' {
        $environment = Get-BasetenEnvironment -ModelId $model.Id -Name staging

        @($environment).Count | Should -Be 1
        $environment | Should -BeOfType ([Baseten.Core.Models.EnvironmentV1])
        $environment.Name | Should -BeExactly 'staging'
        $environment.AutoscalingSettings | Should -BeOfType ([Baseten.Core.Models.AutoscalingSettingsV1])
        $environment.PromotionSettings | Should -BeOfType ([Baseten.Core.Models.PromotionSettingsV1])

        $log = @(Get-EmulatorRequest $emu -Count 1)
        $log.Count | Should -Be 1
        $log[0].Path | Should -BeExactly "/v1/models/$($model.Id)/environments/staging"
    }

    It 'gets several names, in the order given' {
        $environments = Get-BasetenEnvironment -ModelId $model.Id -Name canary, production, staging
        $environments.Name | Should -Be @('canary', 'production', 'staging')
        @(Get-EmulatorRequest $emu -Count 3).Path | Should -Be @(
            "/v1/models/$($model.Id)/environments/canary"
            "/v1/models/$($model.Id)/environments/production"
            "/v1/models/$($model.Id)/environments/staging"
        )
    }

    It 'filters wildcards (stag*) on the client, from one list request' {
        $environments = Get-BasetenEnvironment -ModelId $model.Id -Name 'stag*'
        $environments.Name | Should -Be @('staging', 'staging-eu')

        $log = @(Get-EmulatorRequest $emu -Count 1)
        $log.Count | Should -Be 1
        $log[0].Path | Should -BeExactly "/v1/models/$($model.Id)/environments"
        $log[0].Query | Should -BeNullOrEmpty
    }

    It 'matches wildcards case-insensitively and fetches the list once for several patterns' {
        $environments = Get-BasetenEnvironment -ModelId $model.Id -Name 'STAG*', '*nary'
        $environments.Name | Should -Be @('staging', 'staging-eu', 'canary')
        @(Get-EmulatorRequest $emu -Count 1).Count | Should -Be 1
    }

    It 'a wildcard that matches nothing returns nothing and is not an error' {
        $environments = Get-BasetenEnvironment -ModelId $model.Id -Name 'zzz*' -ErrorVariable errors
        $environments | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
    }

    It 'mixes a wildcard and an exact name' {
        $environments = Get-BasetenEnvironment -ModelId $model.Id -Name 'can*', 'production'
        $environments.Name | Should -Be @('canary', 'production')
        $paths = @(Get-EmulatorRequest $emu -Count 2).Path
        $paths | Should -Contain "/v1/models/$($model.Id)/environments"
        $paths | Should -Contain "/v1/models/$($model.Id)/environments/production"
    }
}

Describe 'Get-BasetenEnvironment: not found' -Tag 'Integration' {
    BeforeEach { Reset-EmulatorLog $emu }

    It 'a name that does not exist is EnvironmentNotFound (ObjectNotFound, TargetObject the name); the other names still come back' {
        $environments = Get-BasetenEnvironment -ModelId $model.Id -Name staging, 'nope', canary -ErrorVariable errors -ErrorAction SilentlyContinue

        $environments.Name | Should -Be @('staging', 'canary')
        $errors.Count | Should -Be 1
        $err = $errors[0]
        $err.FullyQualifiedErrorId | Should -BeExactly "EnvironmentNotFound,$cmdlet"
        $err.CategoryInfo.Category | Should -Be $objectNotFound
        $err.TargetObject | Should -BeExactly 'nope'
        $err.ErrorDetails.Message | Should -BeExactly "Environment 'nope' not found for model $($model.Id)"
        $err.Exception | Should -BeOfType ([Baseten.Core.Http.BasetenApiException])
        $err.Exception.StatusCode | Should -Be 404
    }

    It 'a model that does not exist is ModelNotFound (ObjectNotFound, TargetObject the model id)' {
        $output = Get-BasetenEnvironment -ModelId 'nosuchmd' -ErrorVariable errors -ErrorAction SilentlyContinue

        $output | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $err = $errors[0]
        $err.FullyQualifiedErrorId | Should -BeExactly "ModelNotFound,$cmdlet"
        $err.CategoryInfo.Category | Should -Be $objectNotFound
        $err.TargetObject | Should -BeExactly 'nosuchmd'
        $err.ErrorDetails.Message | Should -BeExactly 'Model nosuchmd not found'
    }

    It 'a wildcard on a model that does not exist is ModelNotFound' {
        $null = Get-BasetenEnvironment -ModelId 'nosuchmd' -Name 'stag*' -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "ModelNotFound,$cmdlet"
        $errors[0].TargetObject | Should -BeExactly 'nosuchmd'
    }

    It 'a missing model id among piped ids does not stop the others' {
        $environments = $model.Id, 'nosuchmd', $otherModel.Id | Get-BasetenEnvironment -Name production -ErrorVariable errors -ErrorAction SilentlyContinue
        $environments.ModelId | Should -Be @($model.Id, $otherModel.Id)
        $errors.Count | Should -Be 1
        $errors[0].CategoryInfo.Category | Should -Be $objectNotFound
    }
}

Describe 'Get-BasetenEnvironment: names that need escaping' -Tag 'Integration' {
    BeforeAll {
        $escapeModel = $emu.AddModel('escape-model')
        $null = New-BasetenEnvironment -ModelId $escapeModel.Id -Name 'blue green' -ErrorAction Stop
        $null = New-BasetenEnvironment -ModelId $escapeModel.Id -Name 'qa/blue' -ErrorAction Stop
    }
    BeforeEach { Reset-EmulatorLog $emu }

    It 'escapes "<Name>" as <Escaped> on the wire and round-trips it' -ForEach @(
        @{ Name = 'blue green'; Escaped = 'blue%20green' }
        @{ Name = 'qa/blue'; Escaped = 'qa%2Fblue' }
    ) {
        $environment = Get-BasetenEnvironment -ModelId $escapeModel.Id -Name $Name -ErrorVariable errors

        $errors | Should -BeNullOrEmpty
        $environment.Name | Should -BeExactly $Name
        $log = @(Get-EmulatorRequest $emu -Count 1)
        $log.Count | Should -Be 1
        $log[0].Path | Should -BeExactly "/v1/models/$($escapeModel.Id)/environments/$Escaped"
        $log[0].StatusCode | Should -Be 200
    }

    It 'an escaped name that does not exist is EnvironmentNotFound with the name as given' {
        $null = Get-BasetenEnvironment -ModelId $escapeModel.Id -Name 'qa/green' -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "EnvironmentNotFound,$cmdlet"
        $errors[0].TargetObject | Should -BeExactly 'qa/green'
        @(Get-EmulatorRequest $emu -Count 1)[0].Path | Should -BeExactly "/v1/models/$($escapeModel.Id)/environments/qa%2Fgreen"
    }

    It 'lists names with a space and a slash unchanged' {
        (Get-BasetenEnvironment -ModelId $escapeModel.Id).Name | Should -Be @('production', 'blue green', 'qa/blue')
    }
}

Describe 'Get-BasetenEnvironment: pipeline input' -Tag 'Integration' {
    BeforeEach { Reset-EmulatorLog $emu }

    It 'binds piped strings to -ModelId' {
        $environments = $model.Id, $otherModel.Id | Get-BasetenEnvironment
        ($environments | Where-Object ModelId -EQ $model.Id).Count | Should -Be 4
        ($environments | Where-Object ModelId -EQ $otherModel.Id).Name | Should -BeExactly 'production'
        @(Get-EmulatorRequest $emu -Count 2).Path | Should -Be @(
            "/v1/models/$($model.Id)/environments"
            "/v1/models/$($otherModel.Id)/environments"
        )
    }

    It 'binds ModelId and Name from an EnvironmentV1 (piping environments refreshes them)' {
        $listed = Get-BasetenEnvironment -ModelId $model.Id
        Reset-EmulatorLog $emu

        $refreshed = $listed | Get-BasetenEnvironment
        $refreshed.Name | Should -Be $listed.Name
        $refreshed.ModelId | Should -Be $listed.ModelId
        $refreshed | Should -BeOfType ([Baseten.Core.Models.EnvironmentV1])

        $paths = @(Get-EmulatorRequest $emu -Count $listed.Count).Path
        $paths | Should -Be @($listed | ForEach-Object { "/v1/models/$($model.Id)/environments/$($_.Name)" })
    }

    It 'binds ModelId and EnvironmentName from a [pscustomobject]' {
        $environment = [pscustomobject]@{ ModelId = $model.Id; EnvironmentName = 'canary' } | Get-BasetenEnvironment
        $environment.Name | Should -BeExactly 'canary'
    }

    It 'is non-terminating for a bad item among piped objects' {
        $items = @(
            [pscustomobject]@{ ModelId = $model.Id; Name = 'staging' }
            [pscustomobject]@{ ModelId = $model.Id; Name = 'missing' }
            [pscustomobject]@{ ModelId = $otherModel.Id; Name = 'production' }
        )
        $environments = $items | Get-BasetenEnvironment -ErrorVariable errors -ErrorAction SilentlyContinue
        ($environments | ForEach-Object { "$($_.ModelId)/$($_.Name)" }) |
            Should -Be @("$($model.Id)/staging", "$($otherModel.Id)/production")
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "EnvironmentNotFound,$cmdlet"
        $errors[0].TargetObject | Should -BeExactly 'missing'
    }
}

Describe 'Get-BasetenEnvironment: output' -Tag 'Integration' {
    It 'works with Select-Object, Format-List * and ConvertTo-Json' {
        $environment = Get-BasetenEnvironment -ModelId $model.Id -Name production
        ($environment | Select-Object Name, ModelId).Name | Should -BeExactly 'production'
        ($environment | Format-List * | Out-String) | Should -BeLike '*CurrentDeployment*'
        $json = $environment | ConvertTo-Json -Depth 5 | ConvertFrom-Json
        $json.Name | Should -BeExactly 'production'
        $json.ModelId | Should -BeExactly $model.Id
    }
}
