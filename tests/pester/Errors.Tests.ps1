#Requires -Version 7.0
# How API, network and response failures surface: ErrorId, category, TargetObject, the API's message in
# ErrorDetails, the exception type, and that each failure is non-terminating for its pipeline item. Faults come
# from the emulator's InjectFault. Also the per-request verbose line.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'CmdletTestSupport.psm1') -Force
    Import-BasetenTestModule

    $savedState = Save-BasetenTestState
    Clear-BasetenTestState
    $emu = Start-BasetenTestEmulator -WithReadOnlyKey
    Connect-BasetenTestEmulator $emu -MaxRetry 0

    $newCmdlet = 'Baseten.PowerShell.Cmdlets.NewBasetenEnvironmentCommand'
    $getCmdlet = 'Baseten.PowerShell.Cmdlets.GetBasetenEnvironmentCommand'

    # Faults are injected on the faulted model's paths only, so the healthy model's item in the same pipeline
    # shows that the failure did not stop the pipeline. These tests look at how one answer surfaces, so they
    # sign in with -MaxRetry 0; Retry.Tests.ps1 covers retrying.
    $faulted = $emu.AddModel('faulted-model')
    $healthy = $emu.AddModel('healthy-model')
    $faultedCollection = "/v1/models/$($faulted.Id)/environments"
    $script:nameCounter = 0
    function New-UniqueName([string]$Prefix = 'env') { $script:nameCounter++; '{0}-{1}' -f $Prefix, $script:nameCounter }
}

AfterAll {
    if ($emu) { $emu.Dispose() }
    Restore-BasetenTestState $savedState
}

Describe 'Errors by HTTP status (New-BasetenEnvironment, faults injected)' -Tag 'Integration' {
    BeforeEach {
        Reset-EmulatorLog $emu
        Connect-BasetenTestEmulator $emu -MaxRetry 0
    }

    It '<Status> is <ErrorId> (<Category>) with the API message in ErrorDetails, non-terminating' -ForEach @(
        @{ Status = 400; ErrorId = 'ApiRequestRejected'; Category = 'InvalidArgument'; Target = 'Name'; Action = $false }
        @{ Status = 401; ErrorId = 'AuthenticationFailed'; Category = 'AuthenticationError'; Target = 'Name'; Action = $true }
        @{ Status = 403; ErrorId = 'PermissionDenied'; Category = 'PermissionDenied'; Target = 'Name'; Action = $true }
        @{ Status = 404; ErrorId = 'ModelNotFound'; Category = 'ObjectNotFound'; Target = 'ModelId'; Action = $false }
        @{ Status = 409; ErrorId = 'EnvironmentAlreadyExists'; Category = 'ResourceExists'; Target = 'Name'; Action = $false }
        @{ Status = 422; ErrorId = 'ApiRequestRejected'; Category = 'InvalidArgument'; Target = 'Name'; Action = $false }
        @{ Status = 429; ErrorId = 'RateLimited'; Category = 'LimitsExceeded'; Target = 'Name'; Action = $true }
        @{ Status = 500; ErrorId = 'ApiUnavailable'; Category = 'ConnectionError'; Target = 'Name'; Action = $true }
        @{ Status = 502; ErrorId = 'ApiUnavailable'; Category = 'ConnectionError'; Target = 'Name'; Action = $true }
        @{ Status = 503; ErrorId = 'ApiUnavailable'; Category = 'ConnectionError'; Target = 'Name'; Action = $true }
    ) {
        $apiMessage = "Injected $Status for this test ($([guid]::NewGuid().ToString('N').Substring(0, 8)))"
        $emu.InjectFault('POST', $faultedCollection, $Status, (@{ error = $apiMessage } | ConvertTo-Json -Compress), 50)
        $name = New-UniqueName "s$Status"
        $items = @(
            [pscustomobject]@{ ModelId = $faulted.Id; Name = $name }
            [pscustomobject]@{ ModelId = $healthy.Id; Name = $name }
        )

        $output = $items | New-BasetenEnvironment -ErrorVariable errors -ErrorAction SilentlyContinue

        # The healthy item still ran: the error was non-terminating.
        @($output).Count | Should -Be 1
        $output.ModelId | Should -BeExactly $healthy.Id
        $output.Name | Should -BeExactly $name

        $errors.Count | Should -Be 1
        $err = $errors[0]
        $err.FullyQualifiedErrorId | Should -BeExactly "$ErrorId,$newCmdlet"
        $err.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]$Category)
        $expectedTarget = if ($Target -eq 'ModelId') { $faulted.Id } else { $name }
        $err.TargetObject | Should -BeExactly $expectedTarget
        $err.ErrorDetails.Message | Should -BeExactly $apiMessage
        if ($Action) { $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty }
        $err.Exception | Should -BeOfType ([Baseten.Core.Http.BasetenApiException])
        $err.Exception.StatusCode | Should -Be $Status
        $err.Exception.ApiMessage | Should -BeExactly $apiMessage
        $err.Exception.Method | Should -BeExactly 'POST'
        $err.Exception.Message | Should -BeLike "*$Status*"
    }

    It '429 with Baseten''s documented rate-limit body shows its message' {
        $emu.InjectFault('POST', $faultedCollection, 429, $null, 50)
        $null = New-BasetenEnvironment -ModelId $faulted.Id -Name (New-UniqueName) -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "RateLimited,$newCmdlet"
        $errors[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::LimitsExceeded)
        $errors[0].ErrorDetails.Message | Should -BeExactly 'Rate limit exceeded. Please try again later.'
    }

    It '422 with FastAPI''s validation body shows the field and the message' {
        $body = '{"detail":[{"loc":["body","autoscaling_settings","max_replica"],"msg":"Input should be a valid integer","type":"int_parsing"}]}'
        $emu.InjectFault('POST', $faultedCollection, 422, $body, 1)
        $name = New-UniqueName
        $null = New-BasetenEnvironment -ModelId $faulted.Id -Name $name -ErrorVariable errors -ErrorAction SilentlyContinue

        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "ApiRequestRejected,$newCmdlet"
        $errors[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)
        $errors[0].TargetObject | Should -BeExactly $name
        $errors[0].ErrorDetails.Message | Should -BeExactly 'autoscaling_settings.max_replica: Input should be a valid integer'
        $errors[0].Exception.StatusCode | Should -Be 422
    }

    It '400 with the message under "<Field>" shows it' -ForEach @(
        @{ Field = 'message' }
        @{ Field = 'detail' }
    ) {
        $emu.InjectFault('POST', $faultedCollection, 400, (@{ $Field = "Rejected via $Field" } | ConvertTo-Json -Compress), 1)
        $null = New-BasetenEnvironment -ModelId $faulted.Id -Name (New-UniqueName) -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "ApiRequestRejected,$newCmdlet"
        $errors[0].ErrorDetails.Message | Should -BeExactly "Rejected via $Field"
    }

    It 'a 502 with a gateway''s HTML page shows the page''s text, not its markup' {
        $emu.InjectFault('POST', $faultedCollection, 502, '<html><body>Bad gateway</body></html>', 50)
        $null = New-BasetenEnvironment -ModelId $faulted.Id -Name (New-UniqueName) -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "ApiUnavailable,$newCmdlet"
        $errors[0].ErrorDetails.Message | Should -BeExactly 'HTML error page: Bad gateway'
        $errors[0].Exception.StatusCode | Should -Be 502
    }
}

Describe 'Errors by HTTP status (Get-BasetenEnvironment, faults injected)' -Tag 'Integration' {
    BeforeEach {
        Reset-EmulatorLog $emu
        Connect-BasetenTestEmulator $emu -MaxRetry 0
    }

    It '<Status> on the list is <ErrorId> (<Category>), non-terminating' -ForEach @(
        @{ Status = 401; ErrorId = 'AuthenticationFailed'; Category = 'AuthenticationError' }
        @{ Status = 403; ErrorId = 'PermissionDenied'; Category = 'PermissionDenied' }
        @{ Status = 404; ErrorId = 'ModelNotFound'; Category = 'ObjectNotFound' }
        @{ Status = 422; ErrorId = 'ApiRequestRejected'; Category = 'InvalidArgument' }
        @{ Status = 429; ErrorId = 'RateLimited'; Category = 'LimitsExceeded' }
        @{ Status = 500; ErrorId = 'ApiUnavailable'; Category = 'ConnectionError' }
        @{ Status = 503; ErrorId = 'ApiUnavailable'; Category = 'ConnectionError' }
    ) {
        $apiMessage = "Injected $Status on the list"
        $emu.InjectFault('GET', $faultedCollection, $Status, (@{ error = $apiMessage } | ConvertTo-Json -Compress), 50)

        $output = $faulted.Id, $healthy.Id | Get-BasetenEnvironment -ErrorVariable errors -ErrorAction SilentlyContinue

        $output.ModelId | Select-Object -Unique | Should -BeExactly $healthy.Id
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "$ErrorId,$getCmdlet"
        $errors[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]$Category)
        $errors[0].TargetObject | Should -BeExactly $faulted.Id
        $errors[0].ErrorDetails.Message | Should -BeExactly $apiMessage
        $errors[0].Exception | Should -BeOfType ([Baseten.Core.Http.BasetenApiException])
        $errors[0].Exception.StatusCode | Should -Be $Status
    }

    It 'a 503 on one name does not stop the next name' {
        $emu.InjectFault('GET', "$faultedCollection/production", 503, $null, 50)
        $null = New-BasetenEnvironment -ModelId $faulted.Id -Name 'get-next' -ErrorAction Stop
        $output = Get-BasetenEnvironment -ModelId $faulted.Id -Name production, 'get-next' -ErrorVariable errors -ErrorAction SilentlyContinue
        $output.Name | Should -BeExactly 'get-next'
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "ApiUnavailable,$getCmdlet"
        $errors[0].TargetObject | Should -BeExactly 'production'
    }
}

Describe 'Authentication and permission with real keys' -Tag 'Integration' {
    BeforeEach { Reset-EmulatorLog $emu }
    AfterAll { Connect-BasetenTestEmulator $emu }

    It 'a wrong key is AuthenticationFailed (AuthenticationError) for <Cmdlet>' -ForEach @(
        @{ Cmdlet = 'New-BasetenEnvironment'; Class = 'NewBasetenEnvironmentCommand'; Target = 'Name'; Call = { New-BasetenEnvironment -ModelId $healthy.Id -Name 'wrong-key' -ErrorVariable errors -ErrorAction SilentlyContinue } }
        @{ Cmdlet = 'Get-BasetenEnvironment'; Class = 'GetBasetenEnvironmentCommand'; Target = 'ModelId'; Call = { Get-BasetenEnvironment -ModelId $healthy.Id -ErrorVariable errors -ErrorAction SilentlyContinue } }
    ) {
        Connect-BasetenTestEmulator $emu -ApiKey ('wrong_' + [guid]::NewGuid().ToString('N'))
        $errors = $null
        $output = . $Call   # dot-sourced, so -ErrorVariable errors lands here

        $output | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $err = $errors[0]
        $err.FullyQualifiedErrorId | Should -BeExactly "AuthenticationFailed,Baseten.PowerShell.Cmdlets.$Class"
        $err.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::AuthenticationError)
        $err.TargetObject | Should -BeExactly $(if ($Target -eq 'Name') { 'wrong-key' } else { $healthy.Id })
        $err.ErrorDetails.Message | Should -BeExactly 'Invalid API key.'
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*Connect-Baseten*'
        $err.Exception.StatusCode | Should -Be 401

        $log = @(Get-EmulatorRequest $emu -Count 1)
        $log.Count | Should -Be 1
        $log[0].StatusCode | Should -Be 401
    }

    It 'a read-only key may list but not create: New is PermissionDenied (403)' {
        Connect-BasetenTestEmulator $emu -ApiKey $emu.ReadOnlyApiKey

        (Get-BasetenEnvironment -ModelId $healthy.Id).Name | Should -Contain 'production'

        $output = New-BasetenEnvironment -ModelId $healthy.Id -Name 'read-only' -ErrorVariable errors -ErrorAction SilentlyContinue
        $output | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "PermissionDenied,$newCmdlet"
        $errors[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::PermissionDenied)
        $errors[0].TargetObject | Should -BeExactly 'read-only'
        $errors[0].ErrorDetails.Message | Should -BeExactly 'This API key is read-only: it cannot POST resources.'
        $errors[0].Exception.StatusCode | Should -Be 403
    }
}

Describe 'Network failures and timeouts' -Tag 'Integration' {
    BeforeEach { Reset-EmulatorLog $emu }
    AfterAll { Connect-BasetenTestEmulator $emu }

    It 'an address nothing listens on is ApiUnreachable (ConnectionError), once per pipeline item' {
        $port = Get-ClosedLoopbackPort
        $null = Connect-Baseten -ApiKey (ConvertTo-TestSecureString $emu.ApiKey) -BaseUri "http://127.0.0.1:$port/" -TimeoutSec 10

        $output = 'model-one', 'model-two' | Get-BasetenEnvironment -ErrorVariable errors -ErrorAction SilentlyContinue
        $output | Should -BeNullOrEmpty
        $errors.Count | Should -Be 2
        $errors.FullyQualifiedErrorId | Should -Be @("ApiUnreachable,$getCmdlet", "ApiUnreachable,$getCmdlet")
        $errors[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ConnectionError)
        $errors.TargetObject | Should -Be @('model-one', 'model-two')
        $errors[0].Exception | Should -BeOfType ([Baseten.Core.Http.BasetenConnectionException])
        $errors[0].Exception.Message | Should -BeLike "*127.0.0.1:$port*"
        $errors[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty

        $null = New-BasetenEnvironment -ModelId 'model-one' -Name 'unreachable' -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "ApiUnreachable,$newCmdlet"
        $errors[0].TargetObject | Should -BeExactly 'unreachable'
    }

    It 'a request slower than -TimeoutSec is RequestTimedOut (OperationTimeout), and the next item still runs' {
        Connect-BasetenTestEmulator $emu -TimeoutSec 1
        $emu.InjectFault('GET', $faultedCollection, 0, $null, 3, 2500)
        try {
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $output = $faulted.Id, $healthy.Id | Get-BasetenEnvironment -ErrorVariable errors -ErrorAction SilentlyContinue
            $clock.Stop()

            $output.ModelId | Select-Object -Unique | Should -BeExactly $healthy.Id
            $errors.Count | Should -Be 1
            $err = $errors[0]
            $err.FullyQualifiedErrorId | Should -BeExactly "RequestTimedOut,$getCmdlet"
            $err.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::OperationTimeout)
            $err.TargetObject | Should -BeExactly $faulted.Id
            $err.Exception | Should -BeOfType ([Baseten.Core.Http.BasetenTimeoutException])
            $err.Exception.Timeout | Should -Be ([timespan]::FromSeconds(1))
            $err.ErrorDetails.RecommendedAction | Should -BeLike '*TimeoutSec*'
            # It gave up after about a second instead of waiting for the slow answer.
            $clock.ElapsedMilliseconds | Should -BeLessThan 2400
        }
        finally {
            # The emulator logs the abandoned request when its delay ends; let it land before the next test.
            Wait-EmulatorIdle $emu -Count 2
        }
    }

    It 'a create that times out is RequestTimedOut with the environment name as TargetObject' {
        Connect-BasetenTestEmulator $emu -TimeoutSec 1
        $emu.InjectFault('POST', $faultedCollection, 0, $null, 3, 2500)
        try {
            $name = New-UniqueName 'slow'
            $null = New-BasetenEnvironment -ModelId $faulted.Id -Name $name -ErrorVariable errors -ErrorAction SilentlyContinue
            $errors[0].FullyQualifiedErrorId | Should -BeExactly "RequestTimedOut,$newCmdlet"
            $errors[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::OperationTimeout)
            $errors[0].TargetObject | Should -BeExactly $name
        }
        finally {
            Wait-EmulatorIdle $emu -Count 1
        }
    }
}

Describe 'Malformed answers' -Tag 'Integration' {
    BeforeEach {
        Reset-EmulatorLog $emu
        Connect-BasetenTestEmulator $emu -MaxRetry 0
    }

    It 'a 200 list whose body is <Case> is InvalidApiResponse (InvalidResult)' -ForEach @(
        @{ Case = 'not JSON'; Body = 'this is not json' }
        @{ Case = 'JSON without an environments list'; Body = '{"models": []}' }
        @{ Case = 'JSON null'; Body = 'null' }
    ) {
        $emu.InjectFault('GET', $faultedCollection, 200, $Body, 1)
        $output = $faulted.Id, $healthy.Id | Get-BasetenEnvironment -ErrorVariable errors -ErrorAction SilentlyContinue

        $output.ModelId | Select-Object -Unique | Should -BeExactly $healthy.Id
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "InvalidApiResponse,$getCmdlet"
        $errors[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidResult)
        $errors[0].TargetObject | Should -BeExactly $faulted.Id
        $errors[0].Exception | Should -BeOfType ([Baseten.Core.Http.BasetenResponseException])
        $errors[0].Exception.StatusCode | Should -Be 200
    }

    It 'a 200 create answer of the wrong shape is InvalidApiResponse' {
        $emu.InjectFault('POST', $faultedCollection, 200, '{"name": 5}', 1)
        $name = New-UniqueName 'bad-shape'
        $null = New-BasetenEnvironment -ModelId $faulted.Id -Name $name -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "InvalidApiResponse,$newCmdlet"
        $errors[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidResult)
        $errors[0].TargetObject | Should -BeExactly $name
    }
}

Describe 'Verbose: one line per request' -Tag 'Integration' {
    BeforeEach {
        Reset-EmulatorLog $emu
        Connect-BasetenTestEmulator $emu -MaxRetry 0
    }

    It 'New-BasetenEnvironment writes "HTTP POST <path> -> 200 OK (N ms)"' {
        $records = New-BasetenEnvironment -ModelId $healthy.Id -Name (New-UniqueName 'verbose') -AutoscalingSettings @{ min_replica = 1 } -Verbose 4>&1
        $lines = @($records | Get-HttpVerboseLine)
        $lines.Count | Should -Be 1
        $lines[0] | Should -Match ('^HTTP POST /v1/models/{0}/environments -> 200 OK \(\d+ ms\)$' -f [regex]::Escape($healthy.Id))
        # The environment itself is still output.
        @($records | Where-Object { $_ -is [Baseten.Core.Models.EnvironmentV1] }).Count | Should -Be 1
    }

    It 'Get-BasetenEnvironment writes one line for each request, failures included' {
        $records = Get-BasetenEnvironment -ModelId $healthy.Id -Name production, 'missing' -Verbose -ErrorAction SilentlyContinue 4>&1
        $lines = @($records | Get-HttpVerboseLine)
        $lines.Count | Should -Be 2
        $lines[0] | Should -Match ('^HTTP GET /v1/models/{0}/environments/production -> 200 OK \(\d+ ms\)$' -f [regex]::Escape($healthy.Id))
        $lines[1] | Should -Match ('^HTTP GET /v1/models/{0}/environments/missing -> 404 Not Found \(\d+ ms\)$' -f [regex]::Escape($healthy.Id))
    }

    It 'the verbose line carries no body, query or key' {
        $records = New-BasetenEnvironment -ModelId $healthy.Id -Name (New-UniqueName 'verbose') -AutoscalingSettings @{ max_replica = 2 } -Verbose 4>&1
        $text = ($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -join "`n"
        $text | Should -Not -BeLike '*{*'
        $text | Should -Not -BeLike '*max_replica*'
        $text | Should -Not -BeLike "*$($emu.ApiKey)*"
    }

    It 'writes no request line under -WhatIf' {
        $records = New-BasetenEnvironment -ModelId $healthy.Id -Name 'verbose-whatif' -WhatIf -Verbose 4>&1
        @($records | Get-HttpVerboseLine) | Should -BeNullOrEmpty
    }

    It 'writes nothing to the verbose stream without -Verbose' {
        $records = Get-BasetenEnvironment -ModelId $healthy.Id 4>&1
        @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) | Should -BeNullOrEmpty
    }
}
