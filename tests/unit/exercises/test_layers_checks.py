"""helpers/exercises/layers.py: right answers pass, unanswered ones say so, wrong ones get a hint; none raise."""

from __future__ import annotations

import uuid

from helpers.exercises import layers
from helpers.deploy.packaging import package_layer, zip_files


def test_layer_paths_are_checked_against_real_imports(solutions, cloud, capsys):
    assert layers.check_layer_paths(solutions.LAYER_PATHS)
    assert not layers.check_layer_paths(dict.fromkeys(solutions.LAYER_PATHS, ...))
    assert "Not answered yet" in capsys.readouterr().out
    assert not layers.check_layer_paths({**solutions.LAYER_PATHS, "toolkit.py": True})
    assert "toolkit.py: the import fails (a file at the zip's top level lands in /opt" in capsys.readouterr().out
    assert not layers.check_layer_paths({**solutions.LAYER_PATHS, "python/toolkit.py": False})
    assert "python/toolkit.py: the import works (python/ becomes /opt/python" in capsys.readouterr().out
    assert not layers.check_layer_paths({**solutions.LAYER_PATHS, "lib/toolkit.py": True,
                                         "python/lib/python3.11/site-packages/toolkit.py": True})
    out = capsys.readouterr().out
    assert "lib/ is for shared libraries" in out and "searches only python/lib/python3.12/site-packages" in out
    assert not layers.check_layer_paths({**dict.fromkeys(solutions.LAYER_PATHS, ...), "python/toolkit.py": "yes"})
    assert "answer True or False, not 'yes'" in capsys.readouterr().out
    assert not layers.check_layer_paths({**dict.fromkeys(solutions.LAYER_PATHS, ...), "python/toolkit.py": True})
    assert "4 still to answer; the others are right" in capsys.readouterr().out


def test_winners(solutions, capsys):
    assert layers.check_winners(solutions.WINNERS)
    assert not layers.check_winners(None)
    assert "Not answered yet" in capsys.readouterr().out
    assert not layers.check_winners({**solutions.WINNERS, "shades": "colours-v1"})
    assert "later layer in the list overwrites" in capsys.readouterr().out
    assert not layers.check_winners({**solutions.WINNERS, "palette": "colours-v2"})
    assert "task root" in capsys.readouterr().out
    assert not layers.check_winners({**solutions.WINNERS, "names": "colours_v1"})
    assert 'names: answer "function zip", "colours-v1" or "colours-v2"' in capsys.readouterr().out


def test_slug_layer(solutions, lambda_client, deploy, capsys):
    handler = "from slugs import slugify\ndef handler(event, context):\n    return {'slug': slugify(event['title'])}\n"
    name = deploy("app.handler", files={"app.py": handler})
    layer_name = f"text-tools-{uuid.uuid4().hex[:6]}"
    assert not layers.check_slug_layer("no-such-function", layer_name)
    assert "Not answered yet" in capsys.readouterr().out
    assert not layers.check_slug_layer(name, layer_name)
    assert "has no layers yet" in capsys.readouterr().out
    misplaced = lambda_client.publish_layer_version(LayerName=layer_name, Content={"ZipFile": zip_files(
        {"slugs.py": solutions.SLUGS_SOURCE})})["LayerVersionArn"]
    lambda_client.update_function_configuration(FunctionName=name, Layers=[misplaced])
    assert not layers.check_slug_layer(name, layer_name)
    assert "under python/" in capsys.readouterr().out
    solutions.publish_and_attach_text_tools(_renamed(lambda_client, layer_name), package_layer,
                                            solutions.SLUGS_SOURCE, function_name=name)
    assert layers.check_slug_layer(name, layer_name)
    assert "Correct" in capsys.readouterr().out


def _renamed(lambda_client, layer_name):
    """The solution publishes "text-tools"; tests use a unique name so that runs do not meet."""

    class Client:
        def publish_layer_version(self, **settings):
            return lambda_client.publish_layer_version(**{**settings, "LayerName": layer_name})

        def update_function_configuration(self, **settings):
            return lambda_client.update_function_configuration(**settings)

    return Client()
