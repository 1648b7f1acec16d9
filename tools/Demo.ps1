<#
.SYNOPSIS
    A short, realistic session with the built module against the local API emulator.
.DESCRIPTION
    Run by `build.ps1 -Task Demo` in a fresh PowerShell. Starts the emulator on a free loopback port,
    signs in, creates a staging environment with the settings from Baseten's documentation, lists the
    model's environments, shows one, and shows that a typo is caught before anything is sent.
#>
[CmdletBinding()]
param()
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$moduleFolder = Join-Path (Split-Path $PSScriptRoot -Parent) 'out/Baseten'
Import-Module (Join-Path $moduleFolder 'Baseten.psd1')
Add-Type -Path (Join-Path $moduleFolder 'Baseten.Emulator.dll')

function Show-Step([string] $Text, [string] $Command) {
    Write-Host ''
    Write-Host "# $Text" -ForegroundColor Green
    Write-Host "PS> $Command" -ForegroundColor Cyan
}

$emulator = [Baseten.Emulator.BasetenEmulator]::Start()
try {
    $model = $emulator.AddModel('mistral-7b-instruct')
    Write-Host "Local Baseten API emulator on $($emulator.BaseUri) with model '$($model.Name)' ($($model.Id))."

    Show-Step 'Sign in (the key is a SecureString; plain http is allowed only to this machine)' `
        'Connect-Baseten -ApiKey $key -BaseUri $emulator.BaseUri'
    $key = ConvertTo-SecureString $emulator.ApiKey -AsPlainText -Force
    Connect-Baseten -ApiKey $key -BaseUri $emulator.BaseUri | Format-Table | Out-Host

    Show-Step 'Create a staging environment with the settings from the API reference' `
        'New-BasetenEnvironment -ModelId $model.Id -Name staging -AutoscalingSettings @{...} -PromotionSettings @{...}'
    $staging = New-BasetenEnvironment -ModelId $model.Id -Name staging -AutoscalingSettings @{
        autoscaling_window = 800; concurrency_target = 3; max_replica = 2; min_replica = 1
        scale_down_delay = 60; target_utilization_percentage = $null
    } -PromotionSettings @{
        ramp_up_duration_seconds = 600; ramp_up_while_promoting = $true
        redeploy_on_promotion = $true; rolling_deploy = $true
    }
    $staging | Format-Table | Out-Host

    Show-Step 'PascalCase keys work too; -WhatIf sends nothing' `
        "New-BasetenEnvironment `$model.Id canary -AutoscalingSettings @{ MinReplica = 0; MaxReplica = 1 } -WhatIf"
    New-BasetenEnvironment $model.Id canary -AutoscalingSettings @{ MinReplica = 0; MaxReplica = 1 } -WhatIf

    Show-Step "List the model's environments" 'Get-BasetenEnvironment -ModelId $model.Id'
    Get-BasetenEnvironment -ModelId $model.Id | Format-Table | Out-Host

    Show-Step 'Show one, piping the object from before' '$staging | Get-BasetenEnvironment | Format-List'
    $staging | Get-BasetenEnvironment | Format-List | Out-Host

    Show-Step 'A typo in a setting is caught before anything is sent' `
        'New-BasetenEnvironment $model.Id qa -AutoscalingSettings @{ max_replicas = 3 }'
    New-BasetenEnvironment $model.Id qa -AutoscalingSettings @{ max_replicas = 3 } -ErrorAction SilentlyContinue -ErrorVariable typo
    Write-Host "$($typo[0].FullyQualifiedErrorId): $($typo[0].Exception.Message)" -ForegroundColor Yellow

    Show-Step 'What the API received' '$emulator.Requests | Format-Table Method, Path, StatusCode'
    $emulator.Requests | Format-Table Method, Path, StatusCode | Out-Host

    Disconnect-Baseten
}
finally {
    $emulator.Dispose()
}
