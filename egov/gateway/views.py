def monitor_page(request):  # placeholder until the monitor commit
    raise NotImplementedError
