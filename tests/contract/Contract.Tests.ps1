#Requires -Version 7.0
<#
    Contract tests: what the module sends must be accepted by Baseten's published OpenAPI document
    (../shared/spec/baseten-openapi.json), as judged by a validator nobody here wrote: Prism
    (@stoplight/prism-cli 5.16.0, pinned in tools/prism) on 127.0.0.1.

    Second pass of tests/Invoke-PesterSuite.ps1, after the main pass (tests/pester), whose emulators persisted
    every request they answered to out/test-results/requests/*.jsonl (BASETEN_EMULATOR_REQUEST_LOG). Every
    unique body the module sent there is replayed to 'prism mock'. Beside that, independent of the log: the
    documented example body (sent by New-BasetenEnvironment), negative controls proving Prism really checks,
    and the emulator's answers checked against the published response schemas through 'prism proxy'.

    Without ../shared/spec, node or Prism every test is skipped with the reason. Without the log folder (the
    main pass did not run) the log tests are skipped; with the folder but no module body in it they fail.

    Run alone (after a main pass): dotnet pwsh -NoProfile -File tests/Invoke-PesterSuite.ps1 -Path tests/contract
#>

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'ContractSupport.psm1') -Force
    $requestLog = Read-ContractRequestLog -Directory (Get-ContractRequestLogDirectory)
    $bodyCases = @($requestLog.Cases)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'ContractSupport.psm1') -Force
    $repoRoot = Get-ContractRepoRoot
    $workDir = Join-Path $repoRoot 'out/contract'
    $requestLog = Read-ContractRequestLog -Directory (Get-ContractRequestLogDirectory)
    $prerequisite = Get-ContractPrerequisite
    $skipReason = $prerequisite.SkipReason

    # Called first in every It (not in BeforeEach, where Pester would not expand the <Title> of a skipped case).
    function Skip-ContractTest([switch]$NeedsRequestLog) {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
        elseif ($NeedsRequestLog -and -not $requestLog.DirectoryExists) {
            Set-ItResult -Skipped -Because "the main Pester pass did not run: no request log at $($requestLog.Directory) (tests/Invoke-PesterSuite.ps1 writes it)"
        }
    }
    $documentedBody = Get-DocumentedCreateBody -Path $prerequisite.ExamplePath
    if (-not $skipReason -and -not $documentedBody) {
        $skipReason = "the documented example body was not found in $($prerequisite.ExamplePath)"
    }
    if ($skipReason) {
        Write-Host "Contract tests skipped: $skipReason"
        return
    }

    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    if (Test-Path -LiteralPath $workDir) { Remove-Item -LiteralPath $workDir -Recurse -Force }
    $specCopy = New-ContractSpec -SpecPath $prerequisite.SpecPath -Destination (Join-Path $workDir 'baseten-openapi.contract.json')

    # Both Prisms load the (large) document at the same time; the emulator work below runs meanwhile.
    $prismMock = Start-PrismServer -Prerequisite $prerequisite -SpecPath $specCopy -LogDirectory $workDir -Name 'mock'

    $modulePath = Join-Path $repoRoot 'out/Baseten/Baseten.psd1'
    if (-not (Test-Path -LiteralPath $modulePath)) { throw "The module is not built ($modulePath). Run: dotnet pwsh -NoProfile -File build.ps1 -Task Build" }
    Import-Module -Name $modulePath -Global -ErrorAction Stop
    if (-not ('Baseten.Emulator.BasetenEmulator' -as [type])) { Add-Type -Path (Join-Path $repoRoot 'out/Baseten/Baseten.Emulator.dll') }

    $savedEnv = @{ ApiKey = $env:BASETEN_API_KEY; ApiUrl = $env:BASETEN_API_URL }
    Remove-Item -Path Env:BASETEN_API_KEY, Env:BASETEN_API_URL -ErrorAction SilentlyContinue

    # This file's own requests go to out/contract, never into the main pass's log.
    $options = [Baseten.Emulator.EmulatorOptions]::new()
    $options.RequestLogDirectory = Join-Path $workDir 'requests'
    $emu = [Baseten.Emulator.BasetenEmulator]::Start($options)
    $prismProxy = Start-PrismServer -Prerequisite $prerequisite -SpecPath $specCopy -LogDirectory $workDir -Name 'proxy' -Upstream $emu.BaseUri.AbsoluteUri

    # The documented request, made by the module with the documented settings.
    $docModel = $emu.AddModel('contract-doc-model')
    $null = Connect-Baseten -ApiKey (ConvertTo-SecureString $emu.ApiKey -AsPlainText -Force) -BaseUri $emu.BaseUri -ErrorAction Stop
    $null = New-BasetenEnvironment -ModelId $docModel.Id -Name staging -ErrorAction Stop `
        -AutoscalingSettings @{ autoscaling_window = 800; concurrency_target = 3; max_replica = 2; min_replica = 1; scale_down_delay = 60; target_utilization_percentage = $null } `
        -PromotionSettings @{ ramp_up_duration_seconds = 600; ramp_up_while_promoting = $true; redeploy_on_promotion = $true; rolling_deploy = $true }
    $docRequest = @($emu.Requests | Where-Object { $_.Method -eq 'POST' -and $_.UserAgent -like 'Baseten.PowerShell/*' }) | Select-Object -Last 1
    Disconnect-Baseten -Confirm:$false

    # What the response checks read: a model with an environment to patch and one to delete.
    $respModel = $emu.AddModel('contract-response-model')
    $emuHeaders = @{ Authorization = "Api-Key $($emu.ApiKey)" }
    $envUri = "$($emu.BaseUri)v1/models/$($respModel.Id)/environments"
    foreach ($name in 'patch-me', 'delete-me') {
        $null = Invoke-RestMethod -Method Post -Uri $envUri -Headers $emuHeaders -ContentType 'application/json' -Body (@{ name = $name } | ConvertTo-Json)
    }

    $mockUp = Wait-PrismServer $prismMock -TimeoutSec 90
    $proxyUp = Wait-PrismServer $prismProxy -TimeoutSec ([math]::Max(10, 90 - $clock.Elapsed.TotalSeconds))
    Write-Host ("Contract: Prism mock on {0} (up after {1} s), proxy on {2} -> emulator {3} (up after {4} s); {5} module request(s) with a body in {6} log file(s), {7} unique" -f `
            $prismMock.BaseUri, $mockUp, $prismProxy.BaseUri, $emu.BaseUri, $proxyUp, $requestLog.ModuleBodyCount, $requestLog.FileCount, @($requestLog.Cases).Count)

    # A create body the schema accepts, for the negative controls to break one thing at a time.
    $createPath = "/v1/models/$($docModel.Id)/environments"
}

AfterAll {
    Stop-PrismServer $prismMock
    Stop-PrismServer $prismProxy
    if ($emu) { $emu.Dispose() }
    if (Get-Command Disconnect-Baseten -ErrorAction SilentlyContinue) { Disconnect-Baseten -Confirm:$false }
    if ($savedEnv) {
        if ($null -ne $savedEnv.ApiKey) { $env:BASETEN_API_KEY = $savedEnv.ApiKey }
        if ($null -ne $savedEnv.ApiUrl) { $env:BASETEN_API_URL = $savedEnv.ApiUrl }
    }
}

Describe 'Contract: every request body the module sent in the main Pester pass' -Tag 'Contract' {
    It 'the main pass logged at least one module request with a body (so the check cannot pass vacuously)' {
        Skip-ContractTest -NeedsRequestLog
        $requestLog.BadLines | Should -Be 0 -Because 'every line of the request log must be JSON'
        $requestLog.FileCount | Should -BeGreaterThan 0 -Because "the emulators of the main pass write requests-<port>-<pid>.jsonl into $($requestLog.Directory)"
        $requestLog.ModuleBodyCount | Should -BeGreaterThan 0 -Because 'the main pass creates environments with New-BasetenEnvironment, so the module must have sent POST bodies'
        @($requestLog.Cases).Count | Should -BeGreaterThan 0
    }

    It 'Prism accepts <Title>' -ForEach $bodyCases -AllowNullOrEmptyForEach {
        Skip-ContractTest -NeedsRequestLog
        $answer = Invoke-PrismRequest -BaseUri $prismMock.BaseUri -Method $Method -Path $Path -Query $Query -Body $Body -ContentType $ContentType
        $why = "the module sent this body $Seen time(s) in the main pass:`n$Body`n$(Format-PrismAnswer $answer)"
        $answer.Status | Should -Not -BeIn 400, 422 -Because $why
        # Any other non-2xx means the body was not judged at all (unknown path, auth): fail on that too.
        $answer.Status | Should -BeLessThan 300 -Because $why
    }
}

Describe 'Contract: the documented create-an-environment request' -Tag 'Contract' {
    It 'New-BasetenEnvironment with the documented settings sends the documented example body' {
        Skip-ContractTest
        $docRequest | Should -Not -BeNullOrEmpty -Because 'the module must have sent the create request to the emulator'
        $docRequest.StatusCode | Should -Be 200 -Because $docRequest.ResponseBody
        ConvertTo-ContractCanonicalJson $docRequest.Body | Should -BeExactly (ConvertTo-ContractCanonicalJson $documentedBody)
    }

    It 'Prism accepts the body the module sent' {
        Skip-ContractTest
        $answer = Invoke-PrismRequest -BaseUri $prismMock.BaseUri -Method POST -Path $docRequest.Path -Body $docRequest.Body -ContentType $docRequest.ContentType
        $answer.Status | Should -Not -BeIn 400, 422 -Because "$($docRequest.Body)`n$(Format-PrismAnswer $answer)"
        $answer.Status | Should -Be 200 -Because (Format-PrismAnswer $answer)
    }

    It 'Prism accepts the example body exactly as the page documents it' {
        Skip-ContractTest
        $answer = Invoke-PrismRequest -BaseUri $prismMock.BaseUri -Method POST -Path $createPath -Body $documentedBody
        $answer.Status | Should -Be 200 -Because (Format-PrismAnswer $answer)
    }
}

Describe 'Contract: Prism really checks request bodies (negative controls)' -Tag 'Contract' {
    It 'answers 422 to an unknown key in autoscaling_settings (max_replicas)' {
        Skip-ContractTest
        $answer = Invoke-PrismRequest -BaseUri $prismMock.BaseUri -Method POST -Path $createPath -Body '{"name": "staging", "autoscaling_settings": {"max_replicas": 3}}'
        $answer.Status | Should -Be 422 -Because (Format-PrismAnswer $answer)
        ($answer.Violations -join "`n") | Should -Match "max_replicas" -Because 'Prism must name the unknown key'
    }

    It 'answers 422 to a body without name' {
        Skip-ContractTest
        $answer = Invoke-PrismRequest -BaseUri $prismMock.BaseUri -Method POST -Path $createPath -Body '{"autoscaling_settings": {"min_replica": 1}}'
        $answer.Status | Should -Be 422 -Because (Format-PrismAnswer $answer)
        ($answer.Violations -join "`n") | Should -Match "required property 'name'"
    }

    It 'answers 422 to a wrong type (min_replica as a string)' {
        Skip-ContractTest
        $answer = Invoke-PrismRequest -BaseUri $prismMock.BaseUri -Method POST -Path $createPath -Body '{"name": "staging", "autoscaling_settings": {"min_replica": "1"}}'
        $answer.Status | Should -Be 422 -Because (Format-PrismAnswer $answer)
        ($answer.Violations -join "`n") | Should -Match 'min_replica'
    }

    It 'accepts the module''s Api-Key scheme only because the served copy allows it (no Authorization: 401)' {
        Skip-ContractTest
        $answer = Invoke-PrismRequest -BaseUri $prismMock.BaseUri -Method POST -Path $createPath -Body '{"name": "staging"}' -Authorization ''
        $answer.Status | Should -Be 401 -Because (Format-PrismAnswer $answer)
    }
}

Describe 'Contract: the emulator answers as the published response schemas say (prism proxy --errors)' -Tag 'Contract' {
    It '<Method> <Shape> has no response violation' -ForEach @(
        @{ Method = 'GET'; Shape = '/v1/models'; Path = { '/v1/models' } }
        @{ Method = 'GET'; Shape = '/v1/models/{model_id}'; Path = { "/v1/models/$($respModel.Id)" } }
        @{ Method = 'GET'; Shape = '/v1/models/{model_id}/deployments'; Path = { "/v1/models/$($respModel.Id)/deployments" } }
        @{ Method = 'GET'; Shape = '/v1/models/{model_id}/deployments/{deployment_id}'; Path = { "/v1/models/$($respModel.Id)/deployments/$($respModel.ProductionDeploymentId)" } }
        @{ Method = 'GET'; Shape = '/v1/models/{model_id}/environments'; Path = { "/v1/models/$($respModel.Id)/environments" } }
        @{ Method = 'GET'; Shape = '/v1/models/{model_id}/environments/production'; Path = { "/v1/models/$($respModel.Id)/environments/production" } }
        @{ Method = 'GET'; Shape = '/v1/models/{model_id}/environments/staging (documented settings)'; Path = { "/v1/models/$($docModel.Id)/environments/staging" } }
        @{ Method = 'POST'; Shape = '/v1/models/{model_id}/environments (documented body)'; Path = { "/v1/models/$($respModel.Id)/environments" }; Body = { $documentedBody } }
        @{ Method = 'PATCH'; Shape = '/v1/models/{model_id}/environments/{env_name}'; Path = { "/v1/models/$($respModel.Id)/environments/patch-me" }; Body = { '{"autoscaling_settings": {"max_replica": 3}, "promotion_settings": {"rolling_deploy": true}}' } }
        @{ Method = 'DELETE'; Shape = '/v1/models/{model_id}/environments/{env_name}'; Path = { "/v1/models/$($respModel.Id)/environments/delete-me" } }
    ) {
        Skip-ContractTest
        $body = if ($_.ContainsKey('Body')) { & $_.Body } else { $null }
        $answer = Invoke-PrismRequest -BaseUri $prismProxy.BaseUri -Method $Method -Path (& $Path) -Body $body -Authorization "Api-Key $($emu.ApiKey)"
        $answer.Status | Should -Be 200 -Because (Format-PrismAnswer $answer)
        $answer.HeaderViolations | Should -BeNullOrEmpty -Because (Format-PrismAnswer $answer)
    }

    It 'the module works end to end through the validating proxy (New- and Get-BasetenEnvironment)' {
        Skip-ContractTest
        $null = Connect-Baseten -ApiKey (ConvertTo-SecureString $emu.ApiKey -AsPlainText -Force) -BaseUri $prismProxy.BaseUri -ErrorAction Stop
        try {
            $created = New-BasetenEnvironment -ModelId $respModel.Id -Name 'through-proxy' -AutoscalingSettings @{ min_replica = 0; max_replica = 2 } -ErrorAction Stop
            $created.Name | Should -BeExactly 'through-proxy'
            $listed = @(Get-BasetenEnvironment -ModelId $respModel.Id -ErrorAction Stop)
            $listed.Name | Should -Contain 'through-proxy'
            (Get-BasetenEnvironment -ModelId $respModel.Id -Name 'through-proxy' -ErrorAction Stop).Name | Should -BeExactly 'through-proxy'
        }
        finally { Disconnect-Baseten -Confirm:$false }
    }

    It 'reports a violation when the emulator answers a body that breaks the schema (positive control)' {
        Skip-ContractTest
        $emu.InjectFault('GET', '/v1/models/*/environments', 200, '{"environments": [{"name": 1}]}', 1)
        try {
            $answer = Invoke-PrismRequest -BaseUri $prismProxy.BaseUri -Method GET -Path "/v1/models/$($respModel.Id)/environments" -Authorization "Api-Key $($emu.ApiKey)"
        }
        finally { $emu.ClearFaults() }
        $answer.Status | Should -Be 500 -Because (Format-PrismAnswer $answer)
        ($answer.Violations -join "`n") | Should -Match "required property 'created_at'"
    }
}
