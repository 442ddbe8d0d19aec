import evaluate
from evaluate.utils import launch_gradio_widget

module = evaluate.load("qbench_portrait.py")
launch_gradio_widget(module)
